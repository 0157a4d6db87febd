using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.Abstractions;
using Microsoft.AspNetCore.Mvc.ModelBinding;
using Microsoft.AspNetCore.Mvc.ViewFeatures;
using Microsoft.AspNetCore.Routing;

namespace AgilePlanner.Sandbox.Hosting;

/// <summary>
/// The sandbox's 503: a JSON error for the API and the endpoints only programs call (token, revocation, metadata;
/// <c>temporarily_unavailable</c>, as RFC 6749 section 4.1.2.1 names it), a page in the sandbox's style for what people see
/// (sign-in, consent, the portal); both with Retry-After, never a stack trace.
/// </summary>
internal static class SandboxUnavailable
{
    private const int RetryAfterSeconds = 5;

    public static async Task WriteAsync(HttpContext context, string message)
    {
        var response = context.Response;
        response.Clear();
        response.StatusCode = StatusCodes.Status503ServiceUnavailable;
        response.Headers.RetryAfter = RetryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        response.Headers.CacheControl = "no-store";

        var path = context.Request.Path;
        if (path.StartsWithSegments("/sandbox/api", StringComparison.OrdinalIgnoreCase) || path.StartsWithSegments("/sandbox/oauth/token", StringComparison.OrdinalIgnoreCase)
            || path.StartsWithSegments("/sandbox/oauth/revoke", StringComparison.OrdinalIgnoreCase) || path.StartsWithSegments("/sandbox/.well-known", StringComparison.OrdinalIgnoreCase))
        {
            await response.WriteAsJsonAsync(new { error = "temporarily_unavailable", message }, context.RequestAborted);
            return;
        }

        SandboxPageHeaders.Apply(context);
        var view = new ViewResult
        {
            // Not /Shared/Unavailable.cshtml: a host app's view at that path would be found first.
            ViewName = "/Shared/DatabaseUnavailable.cshtml",
            StatusCode = StatusCodes.Status503ServiceUnavailable,
            ViewData = new ViewDataDictionary<UnavailableModel>(new EmptyModelMetadataProvider(), new ModelStateDictionary())
            {
                Model = new UnavailableModel(message),
            },
        };
        await view.ExecuteResultAsync(new ActionContext(context, context.GetRouteData(), new ActionDescriptor()));
    }
}
