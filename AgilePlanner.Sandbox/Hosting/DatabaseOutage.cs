using System.Net.Sockets;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace AgilePlanner.Sandbox.Hosting;

/// <summary>
/// A request under /sandbox (the middleware runs in the sandbox's branch only, <c>UseAgilePlannerSandbox</c>) that finds its database unreachable (PostgreSQL stopped, restarting, refusing connections)
/// answers 503 with <see cref="SandboxUnavailable"/>, not a 500; the next request tries again, so the sandbox recovers by
/// itself once the database is back.
/// </summary>
internal sealed partial class DatabaseOutage(RequestDelegate next, ILogger<DatabaseOutage> logger)
{
    public async Task InvokeAsync(HttpContext context)
    {
        try
        {
            await next(context);
        }
        catch (Exception exception) when (IsOutage(exception) && !context.Response.HasStarted)
        {
            LogOutage(logger, context.Request.Path, Reason(exception));
            await SandboxUnavailable.WriteAsync(context, "The sandbox cannot reach its database. Try again in a moment.");
        }
    }

    /// <summary>Whether the exception, or one it wraps, says the database could not be reached, rather than that a query was wrong.</summary>
    public static bool IsOutage(Exception exception)
    {
        for (Exception? current = exception; current is not null; current = current.InnerException)
        {
            if (current is NpgsqlException { IsTransient: true } or SocketException or TimeoutException)
            {
                return true;
            }
        }
        return false;
    }

    /// <summary>The innermost message: a connection failure names the host and port, never the password.</summary>
    private static string Reason(Exception exception)
    {
        var innermost = exception;
        while (innermost.InnerException is not null)
        {
            innermost = innermost.InnerException;
        }
        return innermost.GetType().Name + ": " + innermost.Message;
    }

    [LoggerMessage(1, LogLevel.Warning, "The sandbox's database is unreachable; {Path} answered 503 ({Reason})")]
    private static partial void LogOutage(ILogger logger, string path, string reason);
}
