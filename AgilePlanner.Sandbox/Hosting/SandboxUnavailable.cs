using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.Abstractions;
using Microsoft.AspNetCore.Mvc.ModelBinding;
using Microsoft.AspNetCore.Mvc.ViewFeatures;
using Microsoft.AspNetCore.Routing;

namespace AgilePlanner.Sandbox.Hosting;

/// <summary>
/// The sandbox's 503: a JSON error for the API and the OAuth endpoints (<c>temporarily_unavailable</c>, RFC 6749 section 4.1.2.1),
/// a page in the sandbox's style for people; both with Retry-After, never a stack trace.
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
        if (path.StartsWithSegments("/sandbox/api") || path.StartsWithSegments("/sandbox/oauth") || path.StartsWithSegments("/sandbox/.well-known"))
        {
            await response.WriteAsJsonAsync(new { error = "temporarily_unavailable", message }, context.RequestAborted);
            return;
        }

        SandboxPageHeaders.Apply(context);
        var view = new ViewResult
        {
            ViewName = "/Shared/Unavailable.cshtml",
            StatusCode = StatusCodes.Status503ServiceUnavailable,
            ViewData = new ViewDataDictionary<UnavailableModel>(new EmptyModelMetadataProvider(), new ModelStateDictionary())
            {
                Model = new UnavailableModel(message),
            },
        };
        await view.ExecuteResultAsync(new ActionContext(context, context.GetRouteData(), new ActionDescriptor()));
    }
}
