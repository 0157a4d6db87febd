using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace AgilePlanner.WebApp.Hosting;

/// <summary>Writes and deletes a small file in the data directory: the keys and the database live there.</summary>
public sealed class DataDirectoryHealthCheck(string dataDirectory) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var probe = Path.Combine(dataDirectory, $".readyz-{Guid.NewGuid():N}");
        try
        {
            await File.WriteAllTextAsync(probe, "ok", cancellationToken);
            return HealthCheckResult.Healthy("data directory writable");
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return HealthCheckResult.Unhealthy("data directory not writable", ex);
        }
        finally
        {
            File.Delete(probe);
        }
    }
}
