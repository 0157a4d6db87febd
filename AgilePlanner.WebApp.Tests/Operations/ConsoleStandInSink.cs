using System.Collections.Concurrent;
using Serilog.Core;
using Serilog.Events;
using Serilog.Formatting;
using Serilog.Formatting.Display;

namespace AgilePlanner.WebApp.Tests.Operations;

/// <summary>
/// Takes the console sink's place inside the configured Async wrapper (see <see cref="ConsoleStandInConfiguration"/>):
/// keeps each line as the console would have written it (its formatter or template), and the thread that wrote it.
/// </summary>
public sealed class ConsoleStandInSink : ILogEventSink
{
    private static readonly ConcurrentDictionary<string, ConsoleStandInSink> Sinks = new();

    private readonly ConcurrentQueue<(string Line, int ThreadId)> _written = new();
    private ITextFormatter _formatter = new MessageTemplateTextFormatter("{Message:lj} {Properties:j}{NewLine}{Exception}");

    /// <summary>The stand-in that configuration names with <paramref name="key"/>, one a test.</summary>
    public static ConsoleStandInSink For(string key) => Sinks.GetOrAdd(key, _ => new ConsoleStandInSink());

    internal static ConsoleStandInSink For(string key, ITextFormatter? formatter, string? outputTemplate)
    {
        var sink = For(key);
        sink._formatter = formatter ?? (outputTemplate is null ? sink._formatter : new MessageTemplateTextFormatter(outputTemplate));
        return sink;
    }

    public IReadOnlyCollection<(string Line, int ThreadId)> Written => _written;

    public string AllText => string.Join('\n', _written.Select(w => w.Line));

    public void Emit(LogEvent logEvent)
    {
        using var line = new StringWriter();
        _formatter.Format(logEvent, line);
        _written.Enqueue((line.ToString(), Environment.CurrentManagedThreadId));
    }
}
