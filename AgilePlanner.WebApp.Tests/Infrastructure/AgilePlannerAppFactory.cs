using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;

namespace AgilePlanner.WebApp.Tests.Infrastructure;

/// <summary>
/// The web app with its built-in sandbox, in memory, on a data directory of its own that is deleted afterwards.
/// Every log line is captured (<see cref="Logs"/>) and copied to the running test's output.
/// </summary>
public class AgilePlannerAppFactory : WebApplicationFactory<Program>
{
    private readonly Dictionary<string, string?> _settings = new(StringComparer.OrdinalIgnoreCase);

    static AgilePlannerAppFactory()
    {
        // Hundreds of hosts start in one test run: watching appsettings files for changes would take an inotify
        // instance each and run into the kernel's per-user limit (128 by default), failing hosts at start.
        Environment.SetEnvironmentVariable("DOTNET_hostBuilder__reloadConfigOnChange", "false");
        Environment.SetEnvironmentVariable("DOTNET_USE_POLLING_FILE_WATCHER", "true");
    }

    public AgilePlannerAppFactory()
        : this(Path.Combine(Path.GetTempPath(), "agileplanner-tests", Guid.NewGuid().ToString("N")), ownsDataDirectory: true)
    {
    }

    /// <summary>A host on an existing data directory, as a restarted process or a second instance would be.</summary>
    public AgilePlannerAppFactory(string dataDirectory, bool ownsDataDirectory = false)
    {
        DataDirectory = dataDirectory;
        OwnsDataDirectory = ownsDataDirectory;
        _settings["DataDirectory"] = dataDirectory;
    }

    public string DataDirectory { get; }

    public bool OwnsDataDirectory { get; }

    public FakeLogCollector Logs { get; } = HostLogs.Collector();

    /// <summary>Sets a configuration value (<c>"AgilePlanner:Scopes"</c>) before the host starts.</summary>
    public AgilePlannerAppFactory With(string key, string? value)
    {
        _settings[key] = value;
        return this;
    }

    /// <summary>Extra service registrations, applied after the app's own (to swap in fakes).</summary>
    public Action<IServiceCollection>? ConfigureTestServices { get; set; }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Testing");
        foreach (var (key, value) in _settings)
        {
            builder.UseSetting(key, value);
        }

        builder.ConfigureLogging(logging => logging.AddProvider(new FakeLoggerProvider(Logs)));
        builder.ConfigureServices(services => ConfigureTestServices?.Invoke(services));
    }

    /// <summary>A client that does not follow redirects and keeps cookies, as a browser session would.</summary>
    public HttpClient CreateBrowser() =>
        CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = true });

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        if (OwnsDataDirectory)
        {
            TryDelete(DataDirectory);
        }
        GC.SuppressFinalize(this);
    }

    private static void TryDelete(string path)
    {
        try
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            if (Directory.Exists(path))
            {
                Directory.Delete(path, recursive: true);
            }
        }
        catch (IOException)
        {
            // A file still held open by a finishing background task; the temp folder is cleaned by the OS.
        }
    }
}
