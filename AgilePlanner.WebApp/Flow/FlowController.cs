using AgilePlanner.AspNetCore;
using Microsoft.AspNetCore.Mvc;

namespace AgilePlanner.WebApp.Flow;

/// <summary>The flow inspector: the last connection of this browser, step by step, secrets masked.</summary>
public sealed class FlowController(FlowRecorder recorder, AgilePlannerSession session) : Controller
{
    [HttpGet("/flow")]
    public async Task<IActionResult> Index()
    {
        // The page shows this browser's exchanges with the provider: never from a shared cache.
        Response.Headers.CacheControl = "no-store";
        var record = await recorder.GetAsync(HttpContext);
        var tokens = User.Identity?.IsAuthenticated == true ? await session.GetTokensAsync() : null;
        return View(new FlowPage(record, recorder.Options.Lifetime) { CanExpireAccessToken = tokens?.RefreshToken is not null, AccessTokenExpiresAt = tokens?.ExpiresAt });
    }

    /// <summary>Makes the session's access token count as expired, so the next page that calls the API shows a refresh.</summary>
    [HttpPost("/flow/expire-access-token")]
    [ValidateAntiForgeryToken]
    public async Task<IActionResult> ExpireAccessToken()
    {
        TempData["notice"] = await session.ExpireAccessTokenAsync()
            ? "The access token now counts as expired. Open Your account: the app refreshes it first, and the refresh appears here."
            : "There is no connection with a refresh token to expire.";
        return LocalRedirect("/flow");
    }

    [HttpPost("/flow/clear")]
    [ValidateAntiForgeryToken]
    public async Task<IActionResult> Clear()
    {
        await recorder.ClearAsync(HttpContext);
        return LocalRedirect("/flow");
    }
}
