using AgilePlanner.Sandbox.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace AgilePlanner.Sandbox;

/// <summary>The sandbox's readiness checks, for the host's <c>/readyz</c>.</summary>
public static class SandboxHealthChecks
{
    /// <summary>The check that the sandbox has migrated and seeded its database.</summary>
    public const string ReadinessCheckName = "sandbox";

    /// <summary>The check that the sandbox's database (SQLite or PostgreSQL) answers.</summary>
    public const string DatabaseCheckName = "database-SandboxDbContext";

    /// <summary>
    /// Adds <see cref="ReadinessCheckName"/> (Degraded while the sandbox prepares, Unhealthy if it could not) and
    /// <see cref="DatabaseCheckName"/> (Unhealthy while the database cannot be reached, naming which one).
    /// </summary>
    /// <param name="checks">The host's health checks.</param>
    /// <param name="tags">Tags for both checks, such as the host's readiness tag.</param>
    /// <returns>The same health checks.</returns>
    public static IHealthChecksBuilder AddAgilePlannerSandboxChecks(this IHealthChecksBuilder checks, params string[] tags)
    {
        ArgumentNullException.ThrowIfNull(checks);
        return checks
            .AddCheck<SandboxReadinessCheck>(ReadinessCheckName, tags: tags)
            .AddCheck<SandboxDatabaseCheck>(DatabaseCheckName, tags: tags, timeout: TimeSpan.FromSeconds(5));
    }
}
