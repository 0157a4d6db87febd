using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace AgilePlanner.AspNetCore;

/// <summary>
/// The sign-in's traces and metrics, on <see cref="System.Diagnostics"/> only: add <see cref="Name"/> as a source and a meter to
/// OpenTelemetry (or any listener). No code, token, verifier, secret or cookie is ever a tag: only outcomes, kinds and grant types.
/// </summary>
public static class AgilePlannerTelemetry
{
    /// <summary>The name of the activity source and of the meter.</summary>
    public const string Name = "AgilePlanner.AspNetCore";

    /// <summary>Spans: <c>agileplanner.authorize</c>, <c>agileplanner.callback</c>, <c>agileplanner.token.exchange</c>, <c>agileplanner.token.refresh</c>, <c>agileplanner.token.revoke</c>.</summary>
    public static ActivitySource ActivitySource { get; } = new(Name);

    /// <summary>Metrics: <c>agileplanner.signins</c>, <c>agileplanner.callback.failures</c>, <c>agileplanner.refreshes</c>, <c>agileplanner.token.duration</c>.</summary>
    public static Meter Meter { get; } = new(Name);

    internal static readonly Counter<long> SignIns = Meter.CreateCounter<long>("agileplanner.signins", "{sign-in}", "Callbacks by outcome: signed_in, denied or failed.");

    internal static readonly Counter<long> CallbackFailures = Meter.CreateCounter<long>("agileplanner.callback.failures", "{failure}", "Failed callbacks by kind (the CallbackFailure's name).");

    internal static readonly Counter<long> Refreshes = Meter.CreateCounter<long>("agileplanner.refreshes", "{refresh}", "Token refreshes by outcome: refreshed, shared, refused or failed.");

    internal static readonly Histogram<double> TokenDuration = Meter.CreateHistogram<double>("agileplanner.token.duration", "s", "How long the token endpoint took to answer, by grant_type.",
        advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10] });

    /// <summary>Records a finished callback on its span and in the metrics.</summary>
    internal static void Callback(Activity? activity, string outcome, CallbackFailure? failure)
    {
        activity?.SetTag("agileplanner.outcome", outcome);
        SignIns.Add(1, new KeyValuePair<string, object?>("outcome", outcome));
        if (failure is { } kind)
        {
            activity?.SetTag("agileplanner.callback.failure", kind.ToString());
            activity?.SetStatus(ActivityStatusCode.Error, kind.ToString());
            CallbackFailures.Add(1, new KeyValuePair<string, object?>("kind", kind.ToString()));
        }
    }

    /// <summary>Records a refresh's outcome on its span and in the metrics.</summary>
    internal static void Refresh(Activity? activity, TokenResult result, bool shared)
    {
        var outcome = shared ? "shared" : result.Succeeded ? "refreshed" : result.ConnectionRefused ? "refused" : "failed";
        activity?.SetTag("agileplanner.refresh.shared", shared);
        activity?.SetTag("agileplanner.outcome", outcome);
        if (!result.Succeeded)
        {
            activity?.SetStatus(ActivityStatusCode.Error, result.Failure?.ToString());
        }
        Refreshes.Add(1, new KeyValuePair<string, object?>("outcome", outcome));
    }
}
