namespace AgilePlanner.AspNetCore;

/// <summary>The outcome of a call to the token endpoint: tokens, or a failure with the provider's error code.</summary>
internal sealed record TokenResult(TokenSet? Tokens, TokenFailure? Failure, string? ErrorCode = null, int? Status = null)
{
    /// <summary>The provider's <c>error_description</c>, cleaned.</summary>
    public string? ErrorDescription { get; init; }

    public bool Succeeded => Tokens is not null;

    /// <summary>True when the provider no longer accepts this connection (revoked, app deleted, secret rotated).</summary>
    public bool ConnectionRefused => Failure is TokenFailure.InvalidGrant or TokenFailure.InvalidClient
        || (Failure is TokenFailure.Rejected && ErrorCode is "unauthorized_client");

    public static TokenResult Success(TokenSet tokens) => new(tokens, null);

    public static TokenResult Failed(TokenFailure failure, string? errorCode = null, int? status = null) => new(null, failure, errorCode, status);
}
