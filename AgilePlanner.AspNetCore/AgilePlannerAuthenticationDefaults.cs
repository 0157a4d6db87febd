namespace AgilePlanner.AspNetCore;

/// <summary>Names and defaults of the Agile Planner provider.</summary>
public static class AgilePlannerAuthenticationDefaults
{
    /// <summary>The scheme <see cref="AgilePlannerAuthenticationExtensions.AddAgilePlanner(Microsoft.AspNetCore.Authentication.AuthenticationBuilder)"/> registers.</summary>
    public const string AuthenticationScheme = "AgilePlanner";

    /// <summary>The scheme's display name.</summary>
    public const string DisplayName = "Agile Planner";

    /// <summary>The callback path, by the framework's <c>/signin-{provider}</c> convention.</summary>
    public const string CallbackPath = "/signin-agileplanner";

    /// <summary>The name of the back channel's <see cref="HttpClient"/> (token, revocation, user information), for adding handlers.</summary>
    public const string BackchannelHttpClientName = "AgilePlanner.Backchannel";

    /// <summary>The name of the <see cref="HttpClient"/> that reads the provider's metadata (RFC 8414), for adding handlers.</summary>
    public const string MetadataHttpClientName = "AgilePlanner.Metadata";

    /// <summary>A back-channel call (token, refresh, revocation) gives up after this long, unless <c>BackchannelTimeout</c> says otherwise.</summary>
    public static readonly TimeSpan BackchannelTimeout = TimeSpan.FromSeconds(10);

    /// <summary>
    /// The session's item holding the public address (<c>scheme://host</c>) its tokens were obtained at: a provider hosted in the
    /// same app names its issuer after it, so every later back-channel call of the session names it too.
    /// </summary>
    internal const string PublicOriginItem = ".agileplanner.origin";
}
