using System.Net;

namespace AgilePlanner.WebApp.Hosting;

/// <summary>
/// A request that finds Redis unreachable (the flow records, the cache, the Data Protection keys) gets a 503 page saying so.
/// Nothing is lost: the session lives in the browser's cookie, and the next request after Redis returns works as before.
/// </summary>
public sealed partial class SharedStoreOutageMiddleware(RequestDelegate next, ILogger<SharedStoreOutageMiddleware> logger)
{
    public const string Message = "Agile Planner Connect cannot reach its shared store (Redis) just now.";

    public async Task InvokeAsync(HttpContext context)
    {
        try
        {
            await next(context);
        }
        catch (Exception exception) when (RedisConnection.IsOutage(exception) && !context.Response.HasStarted)
        {
            LogOutage(logger, context.Request.Path, exception.GetType().Name);
            await WriteAsync(context);
        }
    }

    // A page without the layout: the layout's own parts read the flow records, which live in Redis too.
    private static Task WriteAsync(HttpContext context)
    {
        var response = context.Response;
        response.Clear();
        response.StatusCode = StatusCodes.Status503ServiceUnavailable;
        response.Headers.RetryAfter = "5";
        response.Headers.CacheControl = "no-store";
        response.ContentType = "text/html; charset=utf-8";
        return response.WriteAsync($"""
            <!DOCTYPE html>
            <html lang="en">
            <head><meta charset="utf-8"><title>Temporarily unavailable - Agile Planner Connect</title><link rel="stylesheet" href="/css/site.css"></head>
            <body><main class="container"><section class="card problem">
            <h1>Temporarily unavailable</h1>
            <p id="store-unavailable">{WebUtility.HtmlEncode(Message)}</p>
            <p>You are still signed in and your connection to Agile Planner is still in place. Wait a few seconds and reload the page.</p>
            <p class="actions"><a href="/">Back to the home page</a></p>
            </section></main></body>
            </html>
            """, context.RequestAborted);
    }

    [LoggerMessage(1, LogLevel.Warning, "Redis is unreachable; {Path} answered 503 ({Reason})")]
    private static partial void LogOutage(ILogger logger, string path, string reason);
}
