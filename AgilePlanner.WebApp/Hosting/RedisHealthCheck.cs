using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace AgilePlanner.WebApp.Hosting;

/// <summary>Redis answers a PING: the Data Protection keys and the distributed cache are there.</summary>
public sealed class RedisHealthCheck(RedisConnection redis) : IHealthCheck
{
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(2);

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            var latency = await redis.Database.PingAsync().WaitAsync(cancellationToken);
            return HealthCheckResult.Healthy($"Redis answered in {latency.TotalMilliseconds:0.0} ms");
        }
        catch (Exception ex) when (RedisConnection.IsOutage(ex))
        {
            return HealthCheckResult.Unhealthy($"Redis not reachable ({ex.GetType().Name})");
        }
    }
}
