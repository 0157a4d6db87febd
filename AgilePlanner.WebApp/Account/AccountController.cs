using AgilePlanner.Api;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;

namespace AgilePlanner.WebApp.Account;

/// <summary>The connected user's Agile Planner account, from <c>GET /me</c>.</summary>
[Authorize]
[ResponseCache(NoStore = true, Location = ResponseCacheLocation.None)]
public sealed class AccountController(AgilePlannerApiClient api) : Controller
{
    [HttpGet("/account")]
    public async Task<IActionResult> Index(CancellationToken cancellationToken) => View(await api.GetMeAsync(cancellationToken));
}
