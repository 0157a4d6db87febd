using System.Collections.Concurrent;
using Serilog.Core;
using Serilog.Events;

namespace AgilePlanner.WebApp.Tests.Operations;

/// <summary>A Serilog sink registered in the host's services: sees each event with its properties and trace id, after redaction.</summary>
public sealed class LogEventCapture : ILogEventSink
{
    private readonly ConcurrentQueue<LogEvent> _events = new();

    public IReadOnlyCollection<LogEvent> Events => _events;

    public void Emit(LogEvent logEvent) => _events.Enqueue(logEvent);

    /// <summary>Each event as its message and every property value, one line each, for asserting that nothing leaks.</summary>
    public string AllText => string.Join('\n', _events.Select(e =>
        e.RenderMessage(System.Globalization.CultureInfo.InvariantCulture) + " " + string.Join(' ', e.Properties.Select(p => $"{p.Key}={p.Value}"))));
}
