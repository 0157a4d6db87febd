using System.Text.Json;
using AgilePlanner.Sandbox;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace AgilePlanner.WebApp.Hosting;

/// <summary>
/// <c>/healthz</c>: the process answers. <c>/readyz</c>: every check tagged <see cref="ReadyTag"/> passes: the sandbox is ready and
/// its database answers, Redis answers when it is configured, the data directory is writable, the provider's token endpoint
/// answers within 2 s.
/// </summary>
public static class HealthEndpoints
{
    public const string LivenessPath = "/healthz";
    public const string ReadinessPath = "/readyz";

    /// <summary>Tag a check with this to make it part of <c>/readyz</c>.</summary>
    public const string ReadyTag = "ready";

    public static readonly TimeSpan ProviderTimeout = TimeSpan.FromSeconds(2);

    public static WebApplicationBuilder AddHealthEndpoints(this WebApplicationBuilder builder, string dataDirectory)
    {
        builder.Services.AddHttpClient(ProviderHealthCheck.HttpClientName, client => client.Timeout = ProviderTimeout)
            .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler { AllowAutoRedirect = false, ConnectTimeout = ProviderTimeout });

        builder.Services.AddHealthChecks()
            .AddCheck("data-directory", new DataDirectoryHealthCheck(dataDirectory), tags: [ReadyTag])
            .AddCheck<ProviderHealthCheck>("provider", tags: [ReadyTag], timeout: ProviderTimeout);
        if (SandboxHostingExtensions.IsEnabled(builder.Configuration))
        {
            // The sandbox's readiness and its database (SQLite or PostgreSQL), each named in the report.
            builder.Services.AddHealthChecks().AddAgilePlannerSandboxChecks(ReadyTag);
        }
        if (RedisConnection.Configured(builder.Configuration) is not null)
        {
            builder.Services.AddHealthChecks().AddCheck<RedisHealthCheck>("redis", tags: [ReadyTag], timeout: RedisHealthCheck.Timeout);
        }
        return builder;
    }

    public static WebApplication MapHealthEndpoints(this WebApplication app)
    {
        app.MapHealthChecks(LivenessPath, new HealthCheckOptions { Predicate = _ => false, ResponseWriter = WriteJson })
            .AllowAnonymous();
        app.MapHealthChecks(ReadinessPath, new HealthCheckOptions
            {
                Predicate = check => check.Tags.Contains(ReadyTag),
                ResponseWriter = WriteJson,
                // Degraded (the sandbox still preparing) is not ready for traffic either.
                ResultStatusCodes =
                {
                    [HealthStatus.Healthy] = StatusCodes.Status200OK,
                    [HealthStatus.Degraded] = StatusCodes.Status503ServiceUnavailable,
                    [HealthStatus.Unhealthy] = StatusCodes.Status503ServiceUnavailable,
                },
            })
            .AllowAnonymous();
        return app;
    }

    /// <summary>Status, each check's status, description and duration, and the address the app believes it serves at (to check a proxy's forwarded headers); nothing else.</summary>
    private static Task WriteJson(HttpContext context, HealthReport report)
    {
        context.Response.ContentType = "application/json; charset=utf-8";
        context.Response.Headers.CacheControl = "no-store";
        var body = new
        {
            status = report.Status.ToString(),
            durationMs = Math.Round(report.TotalDuration.TotalMilliseconds, 1),
            baseUrl = $"{context.Request.Scheme}://{context.Request.Host}",
            checks = report.Entries.ToDictionary(
                entry => entry.Key,
                entry => new
                {
                    status = entry.Value.Status.ToString(),
                    description = entry.Value.Description,
                    durationMs = Math.Round(entry.Value.Duration.TotalMilliseconds, 1),
                }),
        };
        return context.Response.WriteAsync(JsonSerializer.Serialize(body, JsonOptions), context.RequestAborted);
    }

    private static readonly JsonSerializerOptions JsonOptions = new(JsonSerializerDefaults.Web) { WriteIndented = true };
}
