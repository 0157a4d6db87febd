using System.Collections.Concurrent;

namespace AgilePlanner.WebApp.Hosting;

/// <summary>
/// One logger per category, made once. Serilog's factory makes a new logger (and a new Serilog context) on every
/// <see cref="CreateLogger"/>, and the framework asks for one on every request: each authentication handler and the
/// layout's tag helpers are built per request and take a logger in their constructor. The framework's own factory caches
/// its loggers the same way.
/// </summary>
public sealed class CachingLoggerFactory(ILoggerFactory inner) : ILoggerFactory
{
    private readonly ConcurrentDictionary<string, ILogger> _loggers = new(StringComparer.Ordinal);
    private readonly Func<string, ILogger> _create = inner.CreateLogger;

    public ILogger CreateLogger(string categoryName) => _loggers.GetOrAdd(categoryName, _create);

    public void AddProvider(ILoggerProvider provider) => inner.AddProvider(provider);

    /// <summary>Disposes Serilog's factory, which writes the console's queued lines and closes the sinks.</summary>
    public void Dispose() => inner.Dispose();
}
