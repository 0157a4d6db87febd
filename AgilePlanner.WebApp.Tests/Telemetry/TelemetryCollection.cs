namespace AgilePlanner.WebApp.Tests.Telemetry;

/// <summary>
/// The packages' sources and meters are process-wide: these tests run alone, so what they count is only what their own app did.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class TelemetryCollection
{
    public const string Name = "Telemetry";
}
