using AgilePlanner.Api;
using AgilePlanner.AspNetCore;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace AgilePlanner.WebApp.Hosting;

public static class TelemetryExtensions
{
    /// <summary>The standard variable (or configuration key) that turns the export on.</summary>
    public const string EndpointKey = "OTEL_EXPORTER_OTLP_ENDPOINT";

    /// <summary>The name the app's spans and metrics carry as <c>service.name</c> unless OTEL_SERVICE_NAME says otherwise.</summary>
    public const string ServiceName = "agile-planner-connect";

    /// <summary>
    /// OpenTelemetry when <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> is set: the server's requests, the HttpClient calls (the back channel
    /// and the API), EF Core (the sandbox's database), Redis when <c>ConnectionStrings:Redis</c> is set, and the packages' own spans
    /// and metrics, exported over OTLP as the standard <c>OTEL_*</c> variables say. Without it nothing is registered: no listener,
    /// no cost. The instrumentations' defaults keep secrets out: query values are recorded as <c>Redacted</c> (the code, the state
    /// and <c>iss</c> of a callback), bodies and headers are never recorded, SQL without its parameters.
    /// </summary>
    public static WebApplicationBuilder AddTelemetry(this WebApplicationBuilder builder)
    {
        if (string.IsNullOrWhiteSpace(builder.Configuration[EndpointKey]))
        {
            return builder;
        }

        var redis = RedisConnection.Configured(builder.Configuration) is not null;
        builder.Services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService(ServiceName))
            .WithTracing(tracing =>
            {
                tracing.AddSource(AgilePlannerTelemetry.Name)
                    .AddAspNetCoreInstrumentation()
                    .AddHttpClientInstrumentation()
                    .AddEntityFrameworkCoreInstrumentation();
                if (redis)
                {
                    tracing.AddRedisInstrumentation()
                        .ConfigureRedisInstrumentation((services, redisTracing) => redisTracing.AddConnection(services.GetRequiredService<RedisConnection>().Multiplexer));
                }
            })
            .WithMetrics(metrics => metrics
                .AddMeter(AgilePlannerTelemetry.Name, AgilePlannerApiTelemetry.Name)
                .AddAspNetCoreInstrumentation()
                .AddHttpClientInstrumentation())
            .UseOtlpExporter();
        return builder;
    }
}
