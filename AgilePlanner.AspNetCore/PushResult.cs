namespace AgilePlanner.AspNetCore;

/// <summary>The answer of a pushed authorization request endpoint (RFC 9126 section 2.2): a <c>request_uri</c>, or a failure with the provider's error.</summary>
internal sealed record PushResult(string? RequestUri, int? ExpiresIn, TokenFailure? Failure, string? ErrorCode = null, int? Status = null)
{
    /// <summary>The provider's <c>error_description</c>, cleaned.</summary>
    public string? ErrorDescription { get; init; }

    public bool Succeeded => RequestUri is not null;
}
