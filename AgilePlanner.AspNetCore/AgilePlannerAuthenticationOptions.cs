using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.OAuth;

namespace AgilePlanner.AspNetCore;

/// <summary>
/// Options of the Agile Planner provider. Endpoints are absolute URLs of the provider, or paths (starting with <c>/</c>) of a
/// provider hosted in this same app: those are put on the browser's address for the authorize redirect and the issuer, and on
/// this server's own listening address for back-channel calls, never on an address a request names.
/// </summary>
public sealed class AgilePlannerAuthenticationOptions : OAuthOptions
{
    /// <summary>PKCE (S256) on, tokens saved in the session, the user named from <c>GET /me</c>.</summary>
    public AgilePlannerAuthenticationOptions()
    {
        ClaimsIssuer = AgilePlannerAuthenticationDefaults.DisplayName;
        CallbackPath = AgilePlannerAuthenticationDefaults.CallbackPath;
        UsePkce = true;
        SaveTokens = true;
        BackchannelTimeout = AgilePlannerAuthenticationDefaults.BackchannelTimeout;
        ClaimActions.MapJsonKey(ClaimTypes.NameIdentifier, "id");
        ClaimActions.MapJsonKey(ClaimTypes.Name, "name");
        ClaimActions.MapJsonKey(ClaimTypes.Email, "email");
    }

    /// <summary>RFC 7009 revocation endpoint; sign-out revokes only when it is known.</summary>
    public string? RevocationEndpoint { get; set; }

    /// <summary>The expected <c>iss</c> of authorization responses (RFC 9207): when set, a callback without it, or with another, is refused before any token request.</summary>
    public string? Issuer { get; set; }

    /// <summary>
    /// Base of the resource API, such as <c>https://api.agileplanner.example/v1/</c>: the user information endpoint is its <c>me</c>,
    /// and AgilePlanner.Api's client uses it when its own base address is not set.
    /// </summary>
    public string? ApiBaseUrl { get; set; }
}
