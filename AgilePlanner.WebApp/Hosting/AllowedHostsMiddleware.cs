using System.Text.Encodings.Web;
using AgilePlanner.WebApp.Security;

namespace AgilePlanner.WebApp.Hosting;

/// <summary>
/// Refuses, with a 400 page, a request whose Host (after forwarded headers and <c>AgilePlanner:PublicBaseUrl</c>) is malformed
/// or not allowed, or whose scheme is not http(s): everything after it builds links, the redirect URI and the sandbox's issuer from it.
/// </summary>
public sealed partial class AllowedHostsMiddleware(RequestDelegate next, AllowedHosts allowedHosts, ILogger<AllowedHostsMiddleware> logger)
{
    /// <summary>Set by <see cref="PublicAddress.UsePublicAddress"/> when an X-Forwarded-Host could not be decoded.</summary>
    public static readonly object MalformedForwardedHost = new();

    public Task InvokeAsync(HttpContext context)
    {
        var request = context.Request;
        var host = context.Items.ContainsKey(MalformedForwardedHost) ? null : ReadHost(request);
        var wellFormed = host is { } readable && AllowedHosts.IsWellFormed(readable) && request.Scheme is "http" or "https";
        if (wellFormed && allowedHosts.Allows(host!.Value))
        {
            return next(context);
        }

        LogRefused(logger, wellFormed ? "not allowed" : "malformed");
        return RefuseAsync(context, wellFormed);
    }

    // Reading Host decodes punycode, which throws for a label such as "xn--": that is a malformed host too.
    private static HostString? ReadHost(HttpRequest request)
    {
        try
        {
            return request.Host;
        }
        catch (ArgumentException)
        {
            return null;
        }
    }

    private Task RefuseAsync(HttpContext context, bool wellFormed)
    {
        var response = context.Response;
        response.StatusCode = StatusCodes.Status400BadRequest;
        response.ContentType = "text/html; charset=utf-8";
        response.Headers.CacheControl = "no-store";
        SecurityHeadersMiddleware.Apply(response.Headers);
        var reason = wellFormed
            ? "This app does not answer for the host name in the address you used."
            : "The address you used has a host name or port that is not valid.";
        var allowed = string.Join(", ", allowedHosts.Configured.DefaultIfEmpty("localhost"));
        var page = $$"""
            <!DOCTYPE html>
            <html lang="en"><head><meta charset="utf-8"><title>Unknown address - Agile Planner Connect</title></head>
            <body><main><h1>Unknown address</h1><p>{{reason}}</p>
            <p>Open the app at its public address. The operator sets it with <code>AgilePlanner:PublicBaseUrl</code>
            or <code>AllowedHosts</code> (now: <code>{{HtmlEncoder.Default.Encode(allowed)}}</code>); loopback names such as
            <code>localhost</code> always work.</p></main></body></html>
            """;
        return response.WriteAsync(page, context.RequestAborted);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Request refused: its host is {Reason}")]
    private static partial void LogRefused(ILogger logger, string reason);
}
