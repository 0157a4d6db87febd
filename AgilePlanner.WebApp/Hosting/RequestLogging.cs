using Serilog;
using Serilog.Events;

namespace AgilePlanner.WebApp.Hosting;

/// <summary>One log line a request (method, path without its query, status, elapsed time, trace id); health probes only at Verbose.</summary>
public static class RequestLogging
{
    public const string MessageTemplate = "HTTP {RequestMethod:l} {RequestPath:l} responded {StatusCode} in {Elapsed:0.0} ms";

    public static WebApplication UseRequestLogging(this WebApplication app)
    {
        app.UseSerilogRequestLogging(options =>
        {
            // This host's logger: left unset, the middleware writes to the process-wide static one.
            options.Logger = app.Services.GetRequiredService<Serilog.ILogger>();
            options.MessageTemplate = MessageTemplate;
            // The path only: the callback's query carries the authorization code and state.
            options.IncludeQueryInRequestPath = false;
            options.GetLevel = Level;
            options.EnrichDiagnosticContext = (diagnostics, context) =>
            {
                diagnostics.Set("TraceId", System.Diagnostics.Activity.Current?.TraceId.ToString() ?? context.TraceIdentifier);
                diagnostics.Set("RequestScheme", context.Request.Scheme);
                diagnostics.Set("RequestHost", context.Request.Host.Value);
            };
        });
        return app;
    }

    // An unready /readyz is a 503 every few seconds from the orchestrator: the health checks log the reason once each.
    private static LogEventLevel Level(HttpContext context, double elapsedMilliseconds, Exception? exception) =>
        exception is not null ? LogEventLevel.Error
        : IsHealthProbe(context.Request.Path) ? LogEventLevel.Verbose
        : context.Response.StatusCode >= StatusCodes.Status500InternalServerError ? LogEventLevel.Error
        : LogEventLevel.Information;

    private static bool IsHealthProbe(PathString path) =>
        path.Equals(HealthEndpoints.LivenessPath, StringComparison.OrdinalIgnoreCase)
        || path.Equals(HealthEndpoints.ReadinessPath, StringComparison.OrdinalIgnoreCase);
}
