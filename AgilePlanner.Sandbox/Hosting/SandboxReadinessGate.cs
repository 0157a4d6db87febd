using Microsoft.AspNetCore.Http;

namespace AgilePlanner.Sandbox.Hosting;

/// <summary>
/// Holds requests under /sandbox (the middleware runs in the sandbox's branch only, <c>UseAgilePlannerSandbox</c>) until <see cref="SandboxReadiness"/> is ready, at most <see cref="Patience"/>: a database
/// that is not reachable at start keeps the sandbox preparing, and its visitors get a 503 rather than an endless wait.
/// </summary>
internal sealed class SandboxReadinessGate(RequestDelegate next, SandboxReadiness readiness)
{
    internal static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);

    public async Task InvokeAsync(HttpContext context)
    {
        if (!readiness.IsReady)
        {
            try
            {
                await readiness.WhenReady.WaitAsync(Patience, context.RequestAborted);
            }
            catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
            {
                return;
            }
            catch (TimeoutException)
            {
                await SandboxUnavailable.WriteAsync(context, "The sandbox is still preparing its database. Try again in a moment.");
                return;
            }
            catch (Exception)
            {
                // The seeder has logged why; the host is stopping.
                context.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
                context.Response.ContentType = "text/plain; charset=utf-8";
                await context.Response.WriteAsync("The sandbox could not start. Its log says why.", context.RequestAborted);
                return;
            }
        }
        await next(context);
    }
}
