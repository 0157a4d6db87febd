using AgilePlanner.Sandbox.Accounts;
using AgilePlanner.Sandbox.Hosting;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Logging;
using OpenIddict.Abstractions;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace AgilePlanner.Sandbox.ConnectedApps;

/// <summary>Connected apps: what this account has allowed, and taking that access back.</summary>
[SandboxPage]
[Authorize(AuthenticationSchemes = SandboxIdentity.Scheme)]
internal sealed partial class ConnectedAppsController(
    IOpenIddictApplicationManager applications,
    IOpenIddictAuthorizationManager authorizations,
    IOpenIddictTokenManager tokens,
    UserManager<SandboxUser> users,
    ILogger<ConnectedAppsController> logger) : Controller
{
    [HttpGet("/sandbox/account/apps")]
    public async Task<IActionResult> Index()
    {
        var subject = users.GetUserId(User)!;
        var byApplication = new Dictionary<string, (HashSet<string> Scopes, DateTimeOffset? First, DateTimeOffset? Last)>();
        await foreach (var authorization in authorizations.FindBySubjectAsync(subject, HttpContext.RequestAborted))
        {
            if (!await authorizations.HasStatusAsync(authorization, Statuses.Valid, HttpContext.RequestAborted)
                || await authorizations.GetApplicationIdAsync(authorization, HttpContext.RequestAborted) is not { } applicationId)
            {
                continue;
            }
            var created = await authorizations.GetCreationDateAsync(authorization, HttpContext.RequestAborted);
            var entry = byApplication.TryGetValue(applicationId, out var found) ? found : ([], null, null);
            entry.Scopes.UnionWith(await authorizations.GetScopesAsync(authorization, HttpContext.RequestAborted));
            entry.First = entry.First is null || created < entry.First ? created : entry.First;
            entry.Last = entry.Last is null || created > entry.Last ? created : entry.Last;
            byApplication[applicationId] = entry;
        }

        var connected = new List<ConnectedApp>();
        foreach (var (applicationId, entry) in byApplication)
        {
            if (await applications.FindByIdAsync(applicationId, HttpContext.RequestAborted) is { } application)
            {
                connected.Add(new ConnectedApp(applicationId,
                    await applications.GetDisplayNameAsync(application, HttpContext.RequestAborted) ?? "",
                    [.. entry.Scopes.Order()], entry.First, entry.Last));
            }
        }
        return View("/ConnectedApps/Index.cshtml", connected.OrderBy(a => a.Name, StringComparer.OrdinalIgnoreCase).ToList());
    }

    [HttpPost("/sandbox/account/apps/revoke")]
    [ValidateAntiForgeryToken]
    public async Task<IActionResult> Revoke([FromForm] string? applicationId)
    {
        var subject = users.GetUserId(User)!;
        if (!string.IsNullOrEmpty(applicationId))
        {
            // Every authorization and every token of this app for this user, access and refresh alike.
            await authorizations.RevokeAsync(subject, applicationId, status: null, type: null, HttpContext.RequestAborted);
            await tokens.RevokeAsync(subject, applicationId, status: null, type: null, HttpContext.RequestAborted);
            LogRevoked(logger, applicationId);
            TempData["Notice"] = "Access revoked. The application can no longer use your account.";
        }
        return Redirect("/sandbox/account/apps");
    }

    [LoggerMessage(1, LogLevel.Information, "Connected apps: access of application {ApplicationId} revoked by its user")]
    private static partial void LogRevoked(ILogger logger, string applicationId);
}
