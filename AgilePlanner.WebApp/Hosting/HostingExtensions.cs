using Microsoft.AspNetCore.DataProtection;
using Serilog;

namespace AgilePlanner.WebApp.Hosting;

public static class HostingExtensions
{
    /// <summary>Serilog, configured from the <c>Serilog</c> section of appsettings.</summary>
    public static WebApplicationBuilder AddLogging(this WebApplicationBuilder builder)
    {
        // A logger per host (not the static Log.Logger), so several test hosts can run side by side.
        builder.Services.AddSerilog(
            (services, logger) => logger
                .ReadFrom.Configuration(builder.Configuration)
                .ReadFrom.Services(services)
                .Enrich.FromLogContext(),
            writeToProviders: true);
        return builder;
    }

    /// <summary>Data Protection keys in the data directory, so cookies survive restarts and are shared by instances.</summary>
    public static WebApplicationBuilder AddPersistentDataProtection(this WebApplicationBuilder builder, string dataDirectory)
    {
        builder.Services.AddDataProtection()
            .SetApplicationName("AgilePlanner.WebApp")
            .PersistKeysToFileSystem(new DirectoryInfo(Path.Combine(dataDirectory, "keys")));
        return builder;
    }
}
