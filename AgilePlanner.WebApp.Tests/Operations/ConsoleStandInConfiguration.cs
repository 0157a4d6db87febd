using AgilePlanner.WebApp.Hosting;
using Serilog;
using Serilog.Configuration;
using Serilog.Events;
using Serilog.Formatting;
using Serilog.Formatting.Display;

namespace AgilePlanner.WebApp.Tests.Operations;

/// <summary>The shipped sink, with the shipped arguments, writing to a <see cref="ConsoleStandInStream"/> instead of the standard output.</summary>
public static class ConsoleStandInConfiguration
{
    public static LoggerConfiguration BufferedConsoleStandIn(
        this LoggerSinkConfiguration sinks, string key, ITextFormatter? formatter = null, string? outputTemplate = null,
        int queueLimit = 10_000, LogEventLevel restrictedToMinimumLevel = LogEventLevel.Verbose) =>
        sinks.Sink(
            new BufferedConsoleSink(ConsoleStandInStream.For(key), formatter ?? new MessageTemplateTextFormatter(outputTemplate ?? "{Message:lj}{NewLine}"), queueLimit),
            restrictedToMinimumLevel);
}
