using System.Reflection;
using Microsoft.AspNetCore.Connections;
using Microsoft.Extensions.Options;
using Serilog.Events;

namespace AgilePlanner.WebApp.Hosting;

/// <summary>
/// A settings mistake or a busy port at start is the operator's to fix: it is told in one line a problem, naming what to
/// change, with exit code 1, instead of a stack trace printed by the host's log and again by the runtime.
/// </summary>
public static class StartupFailure
{
    public const int ExitCode = 1;

    /// <summary>
    /// True when the app is its own process; under a test host the failure must reach the host's caller as an exception.
    /// </summary>
    public static bool IsOwnProcess { get; } = Assembly.GetEntryAssembly() == typeof(StartupFailure).Assembly;

    /// <summary>The lines to print for a failure the operator can fix, or null for anything else (a bug keeps its stack).</summary>
    public static IReadOnlyList<string>? Explain(Exception failure)
    {
        foreach (var exception in Causes(failure))
        {
            switch (exception)
            {
                case OptionsValidationException invalid:
                    return [.. invalid.Failures.SelectMany(f => f.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))];
                case IOException busy when busy.InnerException is AddressInUseException:
                    return [$"{busy.Message.TrimEnd('.')}: another program listens there. Stop it, or pick another address with --urls (such as --urls http://localhost:5081)."];
                // Our own checks of settings (PublicBaseUrl, proxy lists...) and the configuration binder's conversions throw these.
                case InvalidOperationException settings when ThrownBy(settings, "AgilePlanner", "Microsoft.Extensions.Configuration"):
                    return [settings.InnerException is FormatException format ? $"{settings.Message} {format.Message}" : settings.Message];
            }
        }
        return null;
    }

    /// <summary>
    /// The host's own "Hosting failed to start" (and Kestrel's) log event for a failure that <see cref="Explain"/> reports
    /// on exit: dropped, so the operator reads the one line and not a stack trace first.
    /// </summary>
    public static bool IsReportedOnExit(LogEvent logEvent) =>
        IsOwnProcess
        && logEvent.Exception is { } exception
        && logEvent.Properties.TryGetValue("SourceContext", out var source)
        && source is ScalarValue { Value: "Microsoft.Extensions.Hosting.Internal.Host" or "Microsoft.AspNetCore.Server.Kestrel" }
        && Explain(exception) is not null;

    private static IEnumerable<Exception> Causes(Exception failure)
    {
        for (Exception? exception = failure; exception is not null; exception = exception.InnerException)
        {
            if (exception is AggregateException { InnerExceptions.Count: 1 } single)
            {
                exception = single.InnerExceptions[0];
            }
            yield return exception;
        }
    }

    private static bool ThrownBy(Exception exception, params string[] namespaces) =>
        exception.TargetSite?.DeclaringType?.Namespace is { } thrower
        && namespaces.Any(prefix => thrower == prefix || thrower.StartsWith(prefix + ".", StringComparison.Ordinal));
}
