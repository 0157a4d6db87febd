using System.Net;
using AgilePlanner.WebApp.Hosting;
using AgilePlanner.WebApp.Tests.Infrastructure;
using AgilePlanner.WebApp.Tests.Infrastructure.RealServers;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Serilog;
using Serilog.Events;
using Serilog.Formatting;

namespace AgilePlanner.WebApp.Tests.Operations;

/// <summary>
/// The console log as the app ships it (appsettings.json and appsettings.Production.json, the logger composed by
/// <see cref="HostingExtensions.ConfigureLogger"/>), with a stand-in stream in the standard output's place; and once
/// through a real process's standard output. The settings are read here rather than through a test host, whose
/// settings would replace the whole sink list.
/// </summary>
public sealed class ConsoleLogTests
{
    private const string Code = "SplxlOBeZQQYbYS6WxSbIA";
    private const string State = "af0ifjsldkj-state-value";
    private const string AccessToken = "2YotnFZFEjr1zCsicMWpAA";
    private const int Requests = 20_000;

    private readonly string _key = Guid.NewGuid().ToString("N");

    private ConsoleStandInStream Console => ConsoleStandInStream.For(_key);

    [Fact]
    public async Task Every_request_line_reaches_the_console_redacted_once_the_logger_is_disposed()
    {
        var logger = ShippedLogger();

        // More lines than the queue holds, from several threads at once: a full queue makes writers wait, never drops.
        await Parallel.ForEachAsync(Enumerable.Range(0, Requests), new ParallelOptions { MaxDegreeOfParallelism = 8 }, (request, _) =>
        {
            logger.Information(RequestLogging.MessageTemplate, "GET", $"/callback/{request}", 200, 1.5);
            logger.Information("Request starting {Protocol:l} {Method:l} {Url:l}", "HTTP/1.1", "GET",
                $"http://localhost/callback/{request}?code={Code}&state={State}&error_description=access+token+{AccessToken}");
            return ValueTask.CompletedTask;
        });
        // A normal stop disposes the host's logger: whatever is still queued is written first.
        ((IDisposable)logger).Dispose();

        var lines = Console.Lines;
        Assert.All(lines, line => Assert.StartsWith("{\"@t\":", line));
        var requestLines = lines.Where(l => l.Contains("\"@m\":\"HTTP GET /callback/")).ToList();
        Assert.Equal(Requests, requestLines.Count);
        Assert.Equal(
            Enumerable.Range(0, Requests).Select(r => $"\"@m\":\"HTTP GET /callback/{r} responded 200 in 1.5 ms\""),
            requestLines.Select(l => l[l.IndexOf("\"@m\"", StringComparison.Ordinal)..(l.IndexOf(" ms\"", StringComparison.Ordinal) + 4)]).OrderBy(Number));
        Assert.Equal(Requests, lines.Count(l => l.Contains("\"@m\":\"Request starting HTTP/1.1 GET http://localhost/callback/")));
        Assert.Equal(2 * Requests, lines.Count);
        var text = Console.AllText;
        Assert.Contains("?code=***&state=***&error_description=***", text);
        Assert.DoesNotContain(Code, text);
        Assert.DoesNotContain(State, text);
        Assert.DoesNotContain(AccessToken, text);
    }

    [Fact]
    public void A_busy_logger_writes_the_console_a_batch_at_a_time_not_a_line_at_a_time()
    {
        var logger = ShippedLogger();

        for (var request = 0; request < Requests; request++)
        {
            logger.Information(RequestLogging.MessageTemplate, "GET", "/", 200, 1.5);
        }
        ((IDisposable)logger).Dispose();

        Assert.Equal(Requests, Console.Lines.Count);
        // Serilog's own console sink makes one write a line: 20,000 here. Batches of 64 KB hold about 200 of these lines.
        Assert.InRange(Console.Writes, 1, Requests / 50);
    }

    [Fact]
    public void The_console_is_written_off_the_thread_that_logs()
    {
        var logger = ShippedLogger();
        var marker = Guid.NewGuid().ToString("N");

        logger.Information("Marker {Marker}", marker);
        var loggingThread = Environment.CurrentManagedThreadId;
        ((IDisposable)logger).Dispose();

        Assert.Contains(Console.Lines, l => l.Contains(marker));
        Assert.DoesNotContain(loggingThread, Console.WritingThreads);
    }

    [Fact]
    public void Levels_below_the_minimum_never_reach_the_queue()
    {
        var logger = ShippedLogger();

        Assert.False(logger.IsEnabled(LogEventLevel.Debug));
        logger.Debug("Below the minimum {Marker}", _key);
        ((IDisposable)logger).Dispose();

        Assert.DoesNotContain(_key, Console.AllText);
    }

    [Fact]
    public async Task A_stalled_console_makes_logging_wait_for_room_and_loses_no_line()
    {
        const int QueueLimit = 100;
        const int Lines = 1_000;
        var logger = ShippedLogger(queueLimit: QueueLimit);
        Console.Stall();

        var logging = Task.Run(() =>
        {
            for (var line = 0; line < Lines; line++)
            {
                logger.Information("Line {Line}", line);
            }
        }, TestContext.Current.CancellationToken);

        // The writer holds one batch in its stalled write; the queue fills behind it and the logging thread waits.
        await Task.Delay(TimeSpan.FromSeconds(1), TestContext.Current.CancellationToken);
        Assert.False(logging.IsCompleted);
        Assert.Empty(Console.Lines);

        Console.Resume();
        await logging.WaitAsync(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken);
        ((IDisposable)logger).Dispose();

        Assert.Equal(Enumerable.Range(0, Lines).Select(l => $"\"@m\":\"Line {l}\""),
            Console.Lines.Select(l => l[l.IndexOf("\"@m\"", StringComparison.Ordinal)..(l.IndexOf("\",\"@i\"", StringComparison.Ordinal) + 1)]));
    }

    [Fact]
    public async Task An_output_that_fails_loses_its_lines_but_never_stops_logging_and_later_lines_get_through()
    {
        var logger = ShippedLogger(queueLimit: 100);
        Console.Break();

        // Far more than the queue holds and the buffer takes: with the writer stopped by a failed write, this would wait forever.
        var logging = Task.Run(() =>
        {
            for (var line = 0; line < 5_000; line++)
            {
                logger.Information(RequestLogging.MessageTemplate, "GET", $"/lost/{line}", 200, 1.5);
            }
        }, TestContext.Current.CancellationToken);
        await logging.WaitAsync(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken);

        Console.Mend();
        logger.Information("After the failure {Marker}", _key);
        ((IDisposable)logger).Dispose();

        Assert.Contains(Console.Lines, l => l.Contains(_key, StringComparison.Ordinal));
    }

    [Fact]
    public void An_event_that_cannot_be_formatted_leaves_every_other_line_whole()
    {
        var sink = new BufferedConsoleSink(Console, new RefusesMarkedEvents(), queueLimit: 10);
        using (var logger = new LoggerConfiguration().WriteTo.Sink(sink).CreateLogger())
        {
            logger.Information("before");
            logger.Information("refused {Refuse}", true);
            logger.Information("after");
        }

        Assert.Equal(["{\"@m\":\"before\"}", "{\"@m\":\"after\"}"], Console.Lines);
    }

    [Fact]
    public async Task A_real_process_prints_its_request_lines_as_json_on_its_standard_output_and_all_of_them_when_it_stops()
    {
        await using var instance = new AppInstance("app", LoopbackPorts.Free(), new Dictionary<string, string>());
        await instance.StartReadyAsync();
        using var client = new HttpClient { BaseAddress = instance.DirectUrl };
        using (var home = await client.GetAsync("/", TestContext.Current.CancellationToken))
        {
            Assert.Equal(HttpStatusCode.OK, home.StatusCode);
        }
        using (await client.GetAsync($"/callback?code={Code}&state={State}", TestContext.Current.CancellationToken))
        {
        }
        const int Pages = 300;
        for (var page = 0; page < Pages; page++)
        {
            using var response = await client.GetAsync($"/privacy-{page}", TestContext.Current.CancellationToken);
        }

        await instance.StopAsync();

        var output = instance.Output.ToList();
        Assert.Contains(output, l => l.StartsWith("{\"@t\":", StringComparison.Ordinal) && l.Contains("\"@m\":\"HTTP GET / responded 200 in "));
        Assert.Contains(output, l => l.Contains("\"@m\":\"HTTP GET /callback responded 302 in "));
        // The last requests' lines are written before the process ends, not lost with its buffer.
        Assert.Equal(Pages, output.Count(l => l.Contains("\"RequestPath\":\"/privacy-")));
        Assert.Contains(output, l => l.Contains("\"@m\":\"HTTP GET /privacy-" + (Pages - 1) + " responded 404 in "));
        Assert.DoesNotContain(output, l => l.Contains(Code) || l.Contains(State));
    }

    private static int Number(string message) => int.Parse(message.Split('/')[2].Split(' ')[0], System.Globalization.CultureInfo.InvariantCulture);

    // appsettings.json then appsettings.Production.json, as a container runs it, with the stand-in stream in the standard output's place.
    private Serilog.ILogger ShippedLogger(int? queueLimit = null)
    {
        var contentRoot = WebAppDirectory();
        var overrides = new Dictionary<string, string?>
        {
            ["Serilog:Using:9"] = typeof(ConsoleStandInStream).Assembly.GetName().Name,
            ["Serilog:WriteTo:Console:Name"] = "BufferedConsoleStandIn",
            ["Serilog:WriteTo:Console:Args:key"] = _key,
        };
        if (queueLimit is { } limit)
        {
            overrides["Serilog:WriteTo:Console:Args:queueLimit"] = limit.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }
        var configuration = new ConfigurationBuilder()
            .AddJsonFile(Path.Combine(contentRoot, "appsettings.json"))
            .AddJsonFile(Path.Combine(contentRoot, "appsettings.Production.json"))
            .AddInMemoryCollection(overrides)
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

    /// <summary>Writes the message as JSON, and throws halfway through an event that carries <c>Refuse</c>.</summary>
    private sealed class RefusesMarkedEvents : ITextFormatter
    {
        public void Format(LogEvent logEvent, TextWriter output)
        {
            output.Write("{\"@m\":\"");
            output.Write(logEvent.RenderMessage(System.Globalization.CultureInfo.InvariantCulture));
            if (logEvent.Properties.ContainsKey("Refuse"))
            {
                throw new FormatException("this event cannot be formatted");
            }
            output.Write("\"}\n");
        }
    }
}
