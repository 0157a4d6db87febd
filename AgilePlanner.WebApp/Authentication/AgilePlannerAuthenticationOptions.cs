using Microsoft.AspNetCore.Authentication.OAuth;

namespace AgilePlanner.WebApp.Authentication;

/// <summary>
/// Options of the Agile Planner provider. Endpoints may be absolute, or relative paths (the sandbox)
/// that are resolved against the app's own address on each request.
/// </summary>
public sealed class AgilePlannerAuthenticationOptions : OAuthOptions
{
    public AgilePlannerAuthenticationOptions()
    {
        ClaimsIssuer = AgilePlannerAuthenticationDefaults.DisplayName;
        CallbackPath = AgilePlannerAuthenticationDefaults.CallbackPath;
        UsePkce = true;
        SaveTokens = true;
        BackchannelTimeout = AgilePlannerAuthenticationDefaults.BackchannelTimeout;
        SignInScheme = AgilePlannerAuthenticationDefaults.SessionScheme;
    }

    /// <summary>RFC 7009 revocation endpoint; Disconnect only revokes when it is known.</summary>
    public string? RevocationEndpoint { get; set; }

    /// <summary>The expected <c>iss</c> of authorization responses (RFC 9207); no check when empty.</summary>
    public string? Issuer { get; set; }

    /// <summary>Base of the resource API, ending with a slash.</summary>
    public string? ApiBaseUrl { get; set; }

    /// <summary>True when empty endpoints should point at the built-in sandbox.</summary>
    public bool UseSandboxDefaults { get; set; }
}
