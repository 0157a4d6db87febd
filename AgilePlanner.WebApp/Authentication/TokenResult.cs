namespace AgilePlanner.WebApp.Authentication;

/// <summary>Tokens from a successful token response (RFC 6749 section 5.1).</summary>
public sealed record TokenSet(string AccessToken, string? RefreshToken, string TokenType, int? ExpiresIn, string? Scope);

/// <summary>Why a token request failed, each with its own page and log event.</summary>
public enum TokenFailure
{
    /// <summary>The code or refresh token is invalid, expired, revoked or already used.</summary>
    InvalidGrant,

    /// <summary>The provider did not accept the client id and secret.</summary>
    InvalidClient,

    /// <summary>Another OAuth error code (invalid_request, unauthorized_client...).</summary>
    Rejected,

    /// <summary>An answer that is not the JSON the RFC describes.</summary>
    InvalidResponse,

    /// <summary>A 5xx answer.</summary>
    ServerError,

    /// <summary>No answer within the back-channel timeout.</summary>
    Timeout,

    /// <summary>The provider could not be reached at all.</summary>
    Unreachable,
}

/// <summary>The outcome of a call to the token endpoint: tokens, or a failure with the provider's error code.</summary>
public sealed record TokenResult(TokenSet? Tokens, TokenFailure? Failure, string? ErrorCode = null, int? Status = null)
{
    /// <summary>The provider's <c>error_description</c>, cleaned by <see cref="Security.ProviderText"/>.</summary>
    public string? ErrorDescription { get; init; }

    public bool Succeeded => Tokens is not null;

    public static TokenResult Success(TokenSet tokens) => new(tokens, null);

    public static TokenResult Failed(TokenFailure failure, string? errorCode = null, int? status = null) => new(null, failure, errorCode, status);

    /// <summary>True when the provider no longer accepts this connection (revoked, app deleted, secret rotated).</summary>
    public bool ConnectionRefused => Failure is TokenFailure.InvalidGrant or TokenFailure.InvalidClient
        || (Failure is TokenFailure.Rejected && ErrorCode is "unauthorized_client");
}

/// <summary>What the revocation endpoint made of a token (RFC 7009).</summary>
public enum RevocationOutcome
{
    /// <summary>A 2xx: the token is revoked, or was not valid anyway.</summary>
    Confirmed,

    /// <summary>An error answer (unsupported_token_type, invalid_client, 5xx...).</summary>
    Refused,

    /// <summary>No answer within the back-channel timeout, or no connection.</summary>
    NoAnswer,
}
