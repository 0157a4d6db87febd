using Microsoft.AspNetCore.Mvc;

namespace AgilePlanner.WebApp.ApiConsole;

/// <summary>
/// The API console: a GET of a contract path with the session's token, shown with its status, headers, JSON and the
/// equivalent curl command. Read-only on purpose: the form is a GET and only GET requests are ever sent.
/// </summary>
public sealed class ApiConsoleController(ApiConsoleClient client) : Controller
{
    [HttpGet("/console")]
    public async Task<IActionResult> Index(string? path, string? method, CancellationToken cancellationToken)
    {
        // The page shows account data fetched with this session's token.
        Response.Headers.CacheControl = "no-store";
        var apiBase = client.ApiBase();
        var page = new ApiConsolePage { Path = path ?? "/me", ApiBase = apiBase.AbsoluteUri };
        if (!Request.Query.ContainsKey("path") && method is null)
        {
            return View(page);
        }

        // Anything that could make the server call elsewhere (SSRF) or change data is refused before any call.
        var check = ApiPathValidator.Check(path, method);
        var target = check.IsAllowed ? ApiPathValidator.Resolve(apiBase, check) : null;
        if (target is null)
        {
            page.Refusal = check.Error ?? "This path would leave the configured API, so it is refused.";
            Response.StatusCode = StatusCodes.Status400BadRequest;
            return View(page);
        }

        if (User.Identity?.IsAuthenticated != true)
        {
            var here = $"{Request.PathBase}{Request.Path}{Request.QueryString}";
            return LocalRedirect($"{Request.PathBase}/connection/needed?returnUrl={Uri.EscapeDataString(here)}");
        }

        page.Result = await client.SendAsync(target, cancellationToken);
        return View(page);
    }
}
