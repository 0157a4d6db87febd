using Serilog;

namespace AgilePlanner.WebApp.Hosting;

public static class HostingExtensions
{
    /// <summary>Serilog, configured from the <c>Serilog</c> section of appsettings, with secrets masked in every sink.</summary>
    public static WebApplicationBuilder AddStructuredLogging(this WebApplicationBuilder builder)
    {
        // Serilog writes the console itself; the framework's console provider would print every line twice.
        builder.Logging.ClearProviders();
        // A logger per host, never the static Log.Logger: hosts side by side (tests) would otherwise write into
        // whichever pipeline started last, and lose every line once any of them stops.
        // The logger is the container's: disposed when the host stops, which writes the console's queued lines first.
        builder.Services.AddSerilog(
            (services, logger) => ConfigureLogger(logger, builder.Configuration, services),
            preserveStaticLogger: true,
            writeToProviders: true);
        return builder;
    }

    /// <summary>
    /// The Serilog section (levels, and the console written in batches off the request thread), the services'
    /// sinks and enrichers, then redaction, which runs on the logging thread before any sink or queue sees an event.
    /// </summary>
    public static LoggerConfiguration ConfigureLogger(LoggerConfiguration logger, IConfiguration configuration, IServiceProvider services) =>
        logger
            .ReadFrom.Configuration(configuration)
            .ReadFrom.Services(services)
            .Enrich.FromLogContext()
            // Program.cs prints these as one line on exit.
            .Filter.ByExcluding(StartupFailure.IsReportedOnExit)
            // Last, so it also sees what the other enrichers added.
            .Enrich.With<LogRedaction>();
}
