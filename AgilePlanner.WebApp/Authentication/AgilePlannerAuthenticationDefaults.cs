namespace AgilePlanner.WebApp.Authentication;

/// <summary>Names and default endpoints of the Agile Planner provider.</summary>
public static class AgilePlannerAuthenticationDefaults
{
    /// <summary>The challenge scheme: the OAuth 2 handler that talks to Agile Planner.</summary>
    public const string AuthenticationScheme = "AgilePlanner";

    public const string DisplayName = "Agile Planner";

    /// <summary>The cookie scheme that holds the signed-in session and its tokens.</summary>
    public const string SessionScheme = "AgilePlannerSession";

    public const string CallbackPath = "/callback";

    /// <summary>Where the built-in sandbox lives, relative to the app's own address (resolved per request).</summary>
    public const string SandboxAuthorizationEndpoint = "/sandbox/oauth/authorize";

    public const string SandboxTokenEndpoint = "/sandbox/oauth/token";

    public const string SandboxRevocationEndpoint = "/sandbox/oauth/revoke";

    public const string SandboxIssuer = "/sandbox/";

    public const string SandboxApiBaseUrl = "/sandbox/api/v1/";

    /// <summary>
    /// The session's item holding the public address (<c>scheme://host</c>) its tokens were obtained at: the built-in sandbox
    /// names its issuer after it, so every later back-channel call of the session names it too, whatever Host a request carries.
    /// </summary>
    public const string PublicOriginItem = ".agileplanner.origin";

    /// <summary>A back-channel call (token, refresh, revoke) gives up after this long.</summary>
    public static readonly TimeSpan BackchannelTimeout = TimeSpan.FromSeconds(10);
}
