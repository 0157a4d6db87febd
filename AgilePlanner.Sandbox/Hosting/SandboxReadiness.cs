using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;

namespace AgilePlanner.Sandbox.Hosting;

/// <summary>
/// Whether the sandbox's database is migrated and seeded. The web app starts answering at once; requests under
/// /sandbox wait here until the sandbox is ready, so nothing ever reads a half-made database.
/// </summary>
public sealed class SandboxReadiness
{
    private readonly TaskCompletionSource _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public Task WhenReady => _ready.Task;

    public bool IsReady => _ready.Task.IsCompletedSuccessfully;

    internal void Ready() => _ready.TrySetResult();

    internal void Failed(Exception exception) => _ready.TrySetException(exception);

    internal void Stopped() => _ready.TrySetCanceled();
}

/// <summary>
/// Holds requests under /sandbox until <see cref="SandboxReadiness"/> is ready. First in the pipeline, because the
/// token endpoint is answered by OpenIddict inside authentication, before any routed endpoint.
/// </summary>
internal sealed class SandboxReadinessGate(SandboxReadiness readiness) : IStartupFilter
{
    public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
    {
        app.Use(async (context, nextMiddleware) =>
        {
            if (!readiness.IsReady && context.Request.Path.StartsWithSegments(Authorization.SandboxIssuer.BasePath))
            {
                try
                {
                    await readiness.WhenReady.WaitAsync(context.RequestAborted);
                }
                catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
                {
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
            await nextMiddleware(context);
        });
        next(app);
    };
}
