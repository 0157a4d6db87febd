using System.Globalization;
using System.Net;

namespace AgilePlanner.WebApp.Tests.Infrastructure.RealServers;

/// <summary>
/// One instance of the built web app as an operator runs it (<c>dotnet AgilePlanner.WebApp.dll</c>, Production), on its own
/// loopback port with its own data directory and the settings it is given; nothing inherited from the test run's environment.
/// It can be stopped and started again on the same port and data directory, as a restart does.
/// </summary>
public sealed class AppInstance : IAsyncDisposable
{
    private static readonly TimeSpan StartPatience = TimeSpan.FromSeconds(90);

    private readonly TempFolder _dataDirectory = new("instance");
    private readonly IReadOnlyDictionary<string, string> _settings;
    private ServerProcess? _process;
    private IReadOnlyCollection<string> _stoppedOutput = [];

    public AppInstance(string name, int port, IReadOnlyDictionary<string, string> settings)
    {
        Name = name;
        Port = port;
        _settings = settings;
    }

    public string Name { get; }

    public int Port { get; }

    public Uri DirectUrl => new($"http://127.0.0.1:{Port}/");

    /// <summary>Starts the process without waiting; <see cref="WhenReadyAsync"/> waits for its /readyz.</summary>
    public void Start()
    {
        var environment = new Dictionary<string, string>
        {
            ["DOTNET_ENVIRONMENT"] = "Production",
            ["ASPNETCORE_URLS"] = $"http://127.0.0.1:{Port.ToString(CultureInfo.InvariantCulture)}",
            ["DataDirectory"] = _dataDirectory.Path,
        };
        foreach (var (key, value) in _settings)
        {
            environment[key] = value;
        }
        var arguments = new[] { Path.Combine(AppContext.BaseDirectory, "AgilePlanner.WebApp.dll") };
        _process = ServerProcess.Start(Name, "dotnet", arguments, environment, AppContext.BaseDirectory);
    }

    /// <summary>Waits until /readyz answers 200: the sandbox seeded, its database, Redis and the provider reachable.</summary>
    public async Task WhenReadyAsync()
    {
        using var client = new HttpClient { BaseAddress = DirectUrl, Timeout = TimeSpan.FromSeconds(5) };
        var deadline = DateTime.UtcNow + StartPatience;
        while (true)
        {
            if (_process is null || _process.HasExited)
            {
                throw new InvalidOperationException($"{Name} stopped while starting.\n{Tail()}");
            }
            try
            {
                using var response = await client.GetAsync("readyz", TestContext.Current.CancellationToken);
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    return;
                }
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException && !TestContext.Current.CancellationToken.IsCancellationRequested)
            {
                // Not listening yet.
            }
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"{Name} was not ready within {StartPatience.TotalSeconds:0} s.\n{Tail()}");
            }
            await Task.Delay(200, TestContext.Current.CancellationToken);
        }
    }

    public async Task StartReadyAsync()
    {
        Start();
        await WhenReadyAsync();
    }

    /// <summary>A clean stop (SIGTERM), as an orchestrator stops an instance.</summary>
    public async Task StopAsync()
    {
        if (_process is not null)
        {
            await _process.StopAsync(TimeSpan.FromSeconds(15));
            _stoppedOutput = _process.Output;
            await _process.DisposeAsync();
            _process = null;
        }
    }

    /// <summary>
    /// SIGKILL, as the kernel's OOM killer or a lost machine ends an instance: no shutdown, no lock released, no transaction
    /// committed. Its output stays readable; <see cref="StopAsync"/> (or disposal) then only tidies up.
    /// </summary>
    public void Kill() => _process?.Kill();

    /// <summary>What the running process has printed so far, or once stopped, all the last one printed.</summary>
    public IReadOnlyCollection<string> Output => _process?.Output ?? _stoppedOutput;

    public string Tail(int lines = 40) => _process?.Tail(lines) ?? $"--- {Name} stopped";

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        _dataDirectory.Dispose();
    }
}
