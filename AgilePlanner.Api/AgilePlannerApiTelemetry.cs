using System.Diagnostics.Metrics;

namespace AgilePlanner.Api;

/// <summary>
/// The API client's metrics, on <see cref="System.Diagnostics.Metrics"/> only: add <see cref="Name"/> as a meter to OpenTelemetry
/// (or any listener). Tags are status codes and results, never a token or an address with its query.
/// </summary>
public static class AgilePlannerApiTelemetry
{
    /// <summary>The name of the meter.</summary>
    public const string Name = "AgilePlanner.Api";

    /// <summary>Metrics: <c>agileplanner.api.calls</c>, <c>agileplanner.api.cache</c>, <c>agileplanner.api.circuit.openings</c>.</summary>
    public static Meter Meter { get; } = new(Name);

    internal static readonly Counter<long> Calls = Meter.CreateCounter<long>("agileplanner.api.calls", "{call}", "API calls by http.response.status_code (or error.type when no answer came).");

    internal static readonly Counter<long> Cache = Meter.CreateCounter<long>("agileplanner.api.cache", "{lookup}", "Response cache lookups by result: hit, miss or revalidated.");

    internal static readonly Counter<long> CircuitOpenings = Meter.CreateCounter<long>("agileplanner.api.circuit.openings", "{opening}", "How often the circuit breaker opened on the provider's failures.");

    internal static void CacheResult(string result) => Cache.Add(1, new KeyValuePair<string, object?>("result", result));
}
