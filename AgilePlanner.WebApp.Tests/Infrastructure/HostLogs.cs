using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.Options;

namespace AgilePlanner.WebApp.Tests.Infrastructure;

/// <summary>
/// A test host's log lines, collected by the framework's fake logger (Microsoft.Extensions.Diagnostics.Testing) and echoed to
/// the test's output: one line an event, <c>Level Category[EventId]: message</c>, with its exception below when it has one.
/// </summary>
public static class HostLogs
{
    /// <summary>A collector that echoes every line to the running test's output.</summary>
    public static FakeLogCollector Collector() => new(Options.Create(new FakeLogCollectorOptions
    {
        OutputSink = Echo,
        OutputFormatter = Format,
    }));

    extension(FakeLogCollector logs)
    {
        /// <summary>Every line so far, in the order logged.</summary>
        public IReadOnlyList<string> Lines => [.. logs.GetSnapshot().Select(Format)];

        /// <summary>All captured text, one line an event.</summary>
        public string AllText => string.Join('\n', logs.Lines);
    }

    private static string Format(FakeLogRecord record)
    {
        var text = $"{record.Level} {record.Category}[{record.Id.Id}]: {record.Message}";
        return record.Exception is null ? text : text + "\n" + record.Exception;
    }

    private static void Echo(string line)
    {
        try
        {
            TestContext.Current.TestOutputHelper?.WriteLine(line);
        }
        catch (InvalidOperationException)
        {
            // Logged after the test finished.
        }
    }
}
