namespace AgilePlanner.WebApp.Flow;

/// <summary>
/// What one browser's last connection looked like on the wire, step by step, already masked.
/// Kept server side (<see cref="FlowRecorder"/>) and shown only to the browser holding its id.
/// </summary>
public sealed class FlowRecord
{
    public DateTimeOffset StartedAt { get; set; }

    public List<FlowStep> Steps { get; set; } = [];

    /// <summary>API calls left out to keep the record small (the oldest go first).</summary>
    public int DroppedSteps { get; set; }

    /// <summary>The PKCE challenge sent in the authorize step, to show that the verifier sent later hashes to it.</summary>
    public string? CodeChallenge { get; set; }
}
