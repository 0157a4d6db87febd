namespace AgilePlanner.WebApp.Authentication;

/// <summary>Every way a callback can fail; each has its own page under <c>/callback/error/{code}</c>.</summary>
public enum CallbackFailure
{
    /// <summary>The user chose Deny at the provider.</summary>
    AccessDenied,

    /// <summary>The provider answered with another OAuth error code.</summary>
    ProviderError,

    /// <summary>No <c>state</c> came back: not the answer to a sign-in this app started.</summary>
    StateMissing,

    /// <summary>A <c>state</c> this app did not issue (forged or damaged).</summary>
    StateInvalid,

    /// <summary>The sign-in was not started in this browser, or its answer was already used.</summary>
    AttemptUnknown,

    /// <summary>The sign-in was started too long ago.</summary>
    AttemptExpired,

    /// <summary>The <c>iss</c> is missing or names another authorization server (RFC 9207 mix-up defence).</summary>
    IssuerMismatch,

    /// <summary>Neither a code nor an error came back.</summary>
    CodeMissing,

    /// <summary>The token endpoint refused the code exchange, or failed.</summary>
    TokenExchangeFailed,
}

/// <summary>
/// A refused callback. The message is fixed text (it is logged by the framework); what the provider said
/// travels in the properties, already cleaned.
/// </summary>
public sealed class CallbackFailedException(CallbackFailure failure, string message) : Exception(message)
{
    public CallbackFailure Failure { get; } = failure;

    /// <summary>The provider's error code, cleaned (<see cref="Security.ProviderText"/>).</summary>
    public string? Error { get; init; }

    public string? ErrorDescription { get; init; }

    public string? ErrorUri { get; init; }

    /// <summary>For <see cref="CallbackFailure.TokenExchangeFailed"/>: what went wrong at the token endpoint.</summary>
    public TokenFailure? TokenFailure { get; init; }
}
