using Serilog;
using Serilog.Configuration;
using Serilog.Events;
using Serilog.Formatting;
using Serilog.Formatting.Display;

namespace AgilePlanner.WebApp.Hosting;

/// <summary>The <c>BufferedConsole</c> sink of the Serilog section (appsettings.json names this assembly in <c>Using</c>).</summary>
public static class BufferedConsoleSinkExtensions
{
    private const string DefaultOutputTemplate = "[{Timestamp:HH:mm:ss} {Level:u3}] {Message:lj}{NewLine}{Exception}";

    /// <summary>
    /// The standard output through a <see cref="BufferedConsoleSink"/>: a <paramref name="formatter"/> (a JSON one in
    /// Production) or else an <paramref name="outputTemplate"/>, and at most <paramref name="queueLimit"/> events held
    /// while the console's reader cannot keep up, after which logging waits for room.
    /// </summary>
    public static LoggerConfiguration BufferedConsole(
        this LoggerSinkConfiguration sinks,
        ITextFormatter? formatter = null,
        string outputTemplate = DefaultOutputTemplate,
        int queueLimit = 10_000,
        LogEventLevel restrictedToMinimumLevel = LogEventLevel.Verbose) =>
        sinks.Sink(
            new BufferedConsoleSink(Console.OpenStandardOutput(), formatter ?? new MessageTemplateTextFormatter(outputTemplate), queueLimit),
            restrictedToMinimumLevel);
}
