using Serilog;
using Serilog.Extensions.Logging;

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
        // Other logging providers (the tests' log collector) are written to only when there are any: Serilog's own
        // option would put a sink in front of every event that turns it into the framework's form for no one. They are
        // the ones registered in the container; a provider given to ILoggerFactory.AddProvider later is not written to.
        builder.Services.AddSerilog(
            (services, logger) => ConfigureLogger(logger, builder.Configuration, services).WriteToRegisteredProviders(services),
            preserveStaticLogger: true,
            writeToProviders: false);
        var serilogFactory = builder.Services.Last(descriptor => descriptor.ServiceType == typeof(ILoggerFactory));
        builder.Services.Remove(serilogFactory);
        builder.Services.AddSingleton<ILoggerFactory>(
            services => new CachingLoggerFactory((ILoggerFactory)serilogFactory.ImplementationFactory!(services)));
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

    private static LoggerConfiguration WriteToRegisteredProviders(this LoggerConfiguration logger, IServiceProvider services)
    {
        var providers = services.GetServices<ILoggerProvider>().ToList();
        if (providers.Count == 0)
        {
            return logger;
        }

        // The providers are the container's, disposed by it; the collection only hands them the events.
        var collection = new LoggerProviderCollection();
        providers.ForEach(collection.AddProvider);
        return logger.WriteTo.Providers(collection);
    }
}
