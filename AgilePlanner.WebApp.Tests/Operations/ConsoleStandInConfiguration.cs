using Serilog;
using Serilog.Configuration;
using Serilog.Formatting;

namespace AgilePlanner.WebApp.Tests.Operations;

/// <summary>The <c>ConsoleStandIn</c> sink for the Serilog section of configuration, taking the console's arguments.</summary>
public static class ConsoleStandInConfiguration
{
    public static LoggerConfiguration ConsoleStandIn(
        this LoggerSinkConfiguration sinks, string key, ITextFormatter? formatter = null, string? outputTemplate = null) =>
        sinks.Sink(ConsoleStandInSink.For(key, formatter, outputTemplate));
}
