using AgilePlanner.Sandbox.Storage;
using AgilePlanner.Sandbox.Storage.PostgreSql;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace AgilePlanner.Sandbox.Hosting;

/// <summary>Opens a connection to the sandbox's database; the description names which database it is.</summary>
internal sealed class SandboxDatabaseCheck(SandboxDbContext database, SandboxReadiness readiness) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var which = database is PostgreSqlSandboxDbContext ? "PostgreSQL" : "SQLite";
        // A SQLite file may not exist until the sandbox has made it: that wait is the readiness check's to report.
        if (which == "SQLite" && !readiness.WhenReady.IsCompleted)
        {
            return HealthCheckResult.Degraded("database being prepared by the sandbox");
        }
        return await database.Database.CanConnectAsync(cancellationToken)
            ? HealthCheckResult.Healthy($"{which} database reachable")
            : HealthCheckResult.Unhealthy($"{which} database not reachable");
    }
}
