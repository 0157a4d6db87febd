namespace AgilePlanner.AspNetCore;

/// <summary>
/// A refused callback, as <c>RemoteFailureContext.Failure</c>. The message is fixed text (the framework logs it); what the
/// provider said travels in the properties, already cleaned by <see cref="AgilePlanner.Api.ProviderText"/>.
/// </summary>
/// <param name="failure">What went wrong.</param>
/// <param name="message">A fixed description, safe to log.</param>
public sealed class CallbackFailedException(CallbackFailure failure, string message) : Exception(message)
{
    /// <summary>What went wrong.</summary>
    public CallbackFailure Failure { get; } = failure;

    /// <summary>The provider's error code, cleaned.</summary>
    public string? Error { get; init; }

    /// <summary>The provider's <c>error_description</c>, cleaned.</summary>
    public string? ErrorDescription { get; init; }

    /// <summary>The provider's <c>error_uri</c>, cleaned (show it as text).</summary>
    public string? ErrorUri { get; init; }

    /// <summary>For <see cref="CallbackFailure.TokenExchangeFailed"/>: what went wrong at the token endpoint.</summary>
    public TokenFailure? TokenFailure { get; init; }
}
