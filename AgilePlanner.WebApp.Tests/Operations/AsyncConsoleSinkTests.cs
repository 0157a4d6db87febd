using AgilePlanner.WebApp.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Serilog;
using Serilog.Events;

namespace AgilePlanner.WebApp.Tests.Operations;

/// <summary>
/// The console sink behind the Async wrapper as the app ships it (appsettings.json and appsettings.Production.json,
/// the logger composed by <see cref="HostingExtensions.ConfigureLogger"/>), with a stand-in in the console's place.
/// The settings are read here rather than through a test host, whose settings would replace the whole sink list.
/// </summary>
public sealed class AsyncConsoleSinkTests
{
    private const string Code = "SplxlOBeZQQYbYS6WxSbIA";
    private const string State = "af0ifjsldkj-state-value";
    private const string AccessToken = "2YotnFZFEjr1zCsicMWpAA";
    private const int Requests = 20_000;

    private readonly string _key = Guid.NewGuid().ToString("N");

    private ConsoleStandInSink Console => ConsoleStandInSink.For(_key);

    [Fact]
    public async Task Every_request_line_reaches_the_console_redacted_once_the_logger_is_disposed()
    {
        var logger = ShippedLogger();

        // More lines than the wrapper holds, from several threads at once: a full queue makes writers wait, never drops.
        await Parallel.ForEachAsync(Enumerable.Range(0, Requests), new ParallelOptions { MaxDegreeOfParallelism = 8 }, (request, _) =>
        {
            logger.Information(RequestLogging.MessageTemplate, "GET", $"/callback/{request}", 200, 1.5);
            logger.Information("Request starting {Protocol:l} {Method:l} {Url:l}", "HTTP/1.1", "GET",
                $"http://localhost/callback/{request}?code={Code}&state={State}&error_description=access+token+{AccessToken}");
            return ValueTask.CompletedTask;
        });
        // A normal stop disposes the host's logger: whatever is still queued is written first.
        ((IDisposable)logger).Dispose();

        var requestLines = Console.Written.Select(w => w.Line).Where(l => l.Contains("\"@m\":\"HTTP GET /callback/")).ToList();
        Assert.Equal(Requests, requestLines.Count);
        Assert.Equal(
            Enumerable.Range(0, Requests).Select(r => $"\"@m\":\"HTTP GET /callback/{r} responded 200 in 1.5 ms\""),
            requestLines.Select(l => l[l.IndexOf("\"@m\"", StringComparison.Ordinal)..(l.IndexOf(" ms\"", StringComparison.Ordinal) + 4)]).OrderBy(Number));
        Assert.Equal(Requests, Console.Written.Count(w => w.Line.Contains("\"@m\":\"Request starting HTTP/1.1 GET http://localhost/callback/")));
        Assert.Contains("?code=***&state=***&error_description=***", Console.AllText);
        Assert.DoesNotContain(Code, Console.AllText);
        Assert.DoesNotContain(State, Console.AllText);
        Assert.DoesNotContain(AccessToken, Console.AllText);
    }

    [Fact]
    public void The_console_is_written_off_the_thread_that_logs()
    {
        var logger = ShippedLogger();
        var marker = Guid.NewGuid().ToString("N");

        logger.Information("Marker {Marker}", marker);
        var loggingThread = Environment.CurrentManagedThreadId;
        ((IDisposable)logger).Dispose();

        var written = Assert.Single(Console.Written, w => w.Line.Contains(marker));
        Assert.NotEqual(loggingThread, written.ThreadId);
    }

    [Fact]
    public void Levels_below_the_minimum_never_reach_the_queue()
    {
        var logger = ShippedLogger();

        Assert.False(logger.IsEnabled(LogEventLevel.Debug));
        logger.Debug("Below the minimum {Marker}", _key);
        ((IDisposable)logger).Dispose();

        Assert.DoesNotContain(Console.Written, w => w.Line.Contains(_key));
    }

    private static int Number(string message) => int.Parse(message.Split('/')[2].Split(' ')[0], System.Globalization.CultureInfo.InvariantCulture);

    // appsettings.json then appsettings.Production.json, as a container runs it, with the stand-in named in the console's place.
    private Serilog.ILogger ShippedLogger()
    {
        var contentRoot = WebAppDirectory();
        var configuration = new ConfigurationBuilder()
            .AddJsonFile(Path.Combine(contentRoot, "appsettings.json"))
            .AddJsonFile(Path.Combine(contentRoot, "appsettings.Production.json"))
            .AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["Serilog:Using:9"] = typeof(ConsoleStandInSink).Assembly.GetName().Name,
                ["Serilog:WriteTo:Async:Args:configure:0:Name"] = "ConsoleStandIn",
                ["Serilog:WriteTo:Async:Args:configure:0:Args:key"] = _key,
            })
            .Build();
        using var services = new ServiceCollection().BuildServiceProvider();
        return HostingExtensions.ConfigureLogger(new LoggerConfiguration(), configuration, services).CreateLogger();
    }

    private static string WebAppDirectory()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            var candidate = Path.Combine(directory.FullName, "AgilePlanner.WebApp");
            if (File.Exists(Path.Combine(candidate, "appsettings.json")))
            {
                return candidate;
            }
        }
        throw new DirectoryNotFoundException("AgilePlanner.WebApp/appsettings.json not found above " + AppContext.BaseDirectory);
    }
}
