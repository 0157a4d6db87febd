namespace AgilePlanner.AspNetCore;

/// <summary>Every way a callback can fail; an app gives each its own page (see <see cref="CallbackFailedException"/>).</summary>
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

    /// <summary>The sign-in was started too long ago (<c>RemoteAuthenticationTimeout</c>).</summary>
    AttemptExpired,

    /// <summary>The <c>iss</c> is missing or names another authorization server (RFC 9207 mix-up defence).</summary>
    IssuerMismatch,

    /// <summary>Neither a code nor an error came back.</summary>
    CodeMissing,

    /// <summary>The token endpoint refused the code exchange, or failed.</summary>
    TokenExchangeFailed,

    /// <summary>The provider's metadata could not be read or used (the <c>Issuer</c> setting needs checking); the reason is in <see cref="CallbackFailedException.ErrorDescription"/>.</summary>
    ProviderMetadataUnavailable,

    /// <summary>The pushed authorization request (RFC 9126) was refused or failed, or a push was required and no endpoint is known.</summary>
    PushedAuthorizationFailed,
}
