using Microsoft.AspNetCore.Mvc.Filters;

namespace AgilePlanner.Sandbox.Hosting;

/// <summary>
/// Headers for every sandbox page: never framed (clickjacking of Allow or Sign in), no inline script,
/// nothing cached, no referrer leaking the authorization request's query.
/// </summary>
[AttributeUsage(AttributeTargets.Class | AttributeTargets.Method)]
public sealed class SandboxPageAttribute : ResultFilterAttribute
{
    public const string ContentSecurityPolicy =
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'";

    public override void OnResultExecuting(ResultExecutingContext context)
    {
        var headers = context.HttpContext.Response.Headers;
        headers.XFrameOptions = "DENY";
        headers.ContentSecurityPolicy = ContentSecurityPolicy;
        headers.XContentTypeOptions = "nosniff";
        headers["Referrer-Policy"] = "no-referrer";
        // The exact value antiforgery sets on pages with a form, so it need not override (and warn).
        headers.CacheControl = "no-cache, no-store";
        headers.Pragma = "no-cache";
        base.OnResultExecuting(context);
    }
}
