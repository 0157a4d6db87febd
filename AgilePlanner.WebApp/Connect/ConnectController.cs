using AgilePlanner.Api;
using AgilePlanner.AspNetCore;
using AgilePlanner.Sandbox;
using AgilePlanner.WebApp.Configuration;
using AgilePlanner.WebApp.Security;
using Microsoft.AspNetCore.Authentication.OAuth;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;

namespace AgilePlanner.WebApp.Connect;

/// <summary>Connecting to Agile Planner (the challenge), disconnecting, and the pages for a connection that ended.</summary>
public sealed class ConnectController(
    IOptions<AgilePlannerSettings> settings,
    IOptionsMonitor<AgilePlannerAuthenticationOptions> providerOptions,
    AgilePlannerSession session,
    IConfiguration configuration,
    ILogger<ConnectController> logger) : Controller
{
    private const int MaxExtraScopes = 4;

    /// <summary>Sends the browser to Agile Planner's authorize URL; the OAuth handler adds state and PKCE.</summary>
    [HttpGet("/connect")]
    public IActionResult Connect(string? returnUrl, string? scope)
    {
        var properties = new OAuthChallengeProperties { RedirectUri = ReturnUrls.Local(Url, returnUrl, Url.Content("~/account")) };
        var extra = (scope ?? string.Empty).Split(' ', StringSplitOptions.RemoveEmptyEntries).Where(AgilePlannerScopes.IsValid).Take(MaxExtraScopes).ToArray();
        if (extra.Length > 0)
        {
            properties.Scope = settings.Value.ScopeList.Concat(extra).Distinct(StringComparer.Ordinal).ToList();
        }
        return Challenge(properties, AgilePlannerAuthenticationDefaults.AuthenticationScheme);
    }

    /// <summary>Revokes the tokens at Agile Planner (RFC 7009) when it has a revocation endpoint, then ends the session.</summary>
    [HttpPost("/disconnect")]
    [ValidateAntiForgeryToken]
    public async Task<IActionResult> Disconnect(CancellationToken cancellationToken)
    {
        var tokens = await session.GetTokensAsync();
        // Revokes the refresh token, then the access token (RFC 7009), forgets what the API client cached, ends the session.
        var revoked = await session.SignOutAsync(cancellationToken) == RevocationOutcome.Confirmed;
        ConnectionLog.Disconnected(logger, revoked);
        TempData["notice"] = tokens is null
            ? "You were not connected."
            : revoked
                ? "Disconnected. Agile Planner has cancelled this app's access."
                : "Disconnected from this app. Agile Planner could not confirm the access was cancelled; you can remove it in your Agile Planner account.";
        if (tokens is not null)
        {
            TempData[ProviderSessionKey] = ProviderSignOutUrl(providerOptions.Get(AgilePlannerAuthenticationDefaults.AuthenticationScheme));
        }
        return LocalRedirect(Url.Content("~/"));
    }

    /// <summary>Where the home page, after Disconnect, offers to sign out at the provider (TempData key).</summary>
    public const string ProviderSessionKey = "provider-signout";

    /// <summary>
    /// A signed-in page opened without a connection: a page that offers Connect, rather than a trip to the provider the
    /// user did not ask for (which, with the provider's session still open, would land on its consent page at once).
    /// </summary>
    [HttpGet("/connection/needed")]
    public IActionResult Needed(string? returnUrl) =>
        View(new ConnectionEndedViewModel(Url.Action(nameof(Connect), new { returnUrl = ReturnUrls.Local(Url, returnUrl, Url.Content("~/account")) })!));

    /// <summary>
    /// The provider's page with its sign-out button: the sandbox's connected apps (next to its authorize endpoint),
    /// or the home of a remote provider's site.
    /// </summary>
    private string ProviderSignOutUrl(AgilePlannerAuthenticationOptions options)
    {
        var authorize = options.AuthorizationEndpoint;
        // "/sandbox/oauth/authorize" parses as an absolute file: URI on Unix, hence the scheme test.
        if (!Uri.TryCreate(authorize, UriKind.Absolute, out var absolute) || (absolute.Scheme != Uri.UriSchemeHttp && absolute.Scheme != Uri.UriSchemeHttps))
        {
            return Url.Content("~" + SandboxRoutes.ConnectedApps);
        }
        // A sandbox hosted by another instance of this app: its connected apps are beside its authorize endpoint.
        return SandboxHostingExtensions.IsEnabled(configuration) && absolute.AbsolutePath.EndsWith(SandboxRoutes.Authorization, StringComparison.Ordinal)
            ? new Uri(absolute, SandboxRoutes.ConnectedApps).ToString()
            : absolute.GetLeftPart(UriPartial.Authority) + "/";
    }

    [HttpGet("/connection/expired")]
    public IActionResult Expired(string? returnUrl) =>
        View(new ConnectionEndedViewModel(Url.Action(nameof(Connect), new { returnUrl = ReturnUrls.Local(Url, returnUrl, Url.Content("~/account")) })!));

    [HttpGet("/connection/revoked")]
    public IActionResult Revoked() =>
        View(new ConnectionEndedViewModel(Url.Action(nameof(Connect))!));

    /// <summary>After <c>403 insufficient_scope</c>: explains the missing access and offers to connect again asking for it.</summary>
    [HttpGet("/connection/more-access")]
    public IActionResult MoreAccess(string? scope, string? returnUrl)
    {
        var missing = (scope ?? string.Empty).Split(' ', StringSplitOptions.RemoveEmptyEntries).Where(AgilePlannerScopes.IsValid).Take(MaxExtraScopes).ToArray();
        if (missing.Length == 0)
        {
            missing = [AgilePlannerScopes.Write];
        }
        var connect = Url.Action(nameof(Connect), new { scope = string.Join(' ', missing), returnUrl = ReturnUrls.Local(Url, returnUrl, Url.Content("~/account")) })!;
        return View(new MoreAccessViewModel(missing, connect));
    }
}
