namespace AgilePlanner.WebApp.Flow;

/// <summary>
/// Where the flow records are kept, each under a key <see cref="FlowRecorder"/> derives from the browser's record id. A record
/// expires at a time set when it is made, on the app's clock; a record past it is gone for every call, and removed.
/// </summary>
public interface IFlowRecordStore
{
    /// <summary>Makes a record with its first step, replacing any under the same key.</summary>
    Task CreateAsync(string key, FlowRecordStart start, FlowStep firstStep);

    /// <summary>
    /// Adds steps at the end of the record, all or none, and keeps it within <paramref name="maxSteps"/>: past it, the oldest
    /// API call gives way (or, with none, the oldest step after the first), and the connection itself stays; a step that
    /// gives way in the append that brings it is never stored. False (and nothing done) when there is no record or it has expired.
    /// </summary>
    Task<bool> AppendAsync(string key, IReadOnlyList<FlowStep> steps, int maxSteps, DateTimeOffset now);

    /// <summary>The record, its steps in order; null when there is none or it has expired.</summary>
    Task<FlowRecord?> ReadAsync(string key, DateTimeOffset now);

    Task RemoveAsync(string key);
}
