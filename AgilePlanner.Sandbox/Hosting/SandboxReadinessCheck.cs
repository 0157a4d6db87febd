using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Logging;

namespace AgilePlanner.Sandbox.Hosting;

/// <summary>The sandbox has migrated and seeded its database (it does so in the background after start).</summary>
internal sealed partial class SandboxReadinessCheck(SandboxReadiness readiness, ILogger<SandboxReadinessCheck> logger) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        switch (readiness.WhenReady.Status)
        {
            case TaskStatus.RanToCompletion:
                return Task.FromResult(HealthCheckResult.Healthy("sandbox ready"));
            case TaskStatus.Faulted or TaskStatus.Canceled:
                return Task.FromResult(HealthCheckResult.Unhealthy("sandbox could not prepare its database"));
            default:
                // Not ready yet is the normal first second of every start, not a failure: Degraded, which /readyz answers
                // with 503 too, and an Information line instead of the health checks' Error.
                LogPreparing(logger);
                return Task.FromResult(HealthCheckResult.Degraded("sandbox preparing its database"));
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Not ready yet: the sandbox is still preparing its database")]
    private static partial void LogPreparing(ILogger logger);
}
