using Microsoft.Extensions.Caching.Distributed;

namespace AgilePlanner.WebApp.Flow;

/// <summary>
/// The flow records in <see cref="IDistributedCache"/> (in memory by default): an index entry that lists the record's steps,
/// and an entry a step. Appends to one record are made one at a time by a lock in this process, so this store is for one
/// instance; several instances on Redis use <see cref="RedisFlowRecordStore"/>, whose appends are atomic in Redis itself.
/// </summary>
public sealed class DistributedCacheFlowRecordStore(IDistributedCache cache, ILogger<DistributedCacheFlowRecordStore> logger) : IFlowRecordStore
{
    // Steps of one record come from concurrent requests of the same browser; a lock per stripe keeps appends whole.
    private readonly SemaphoreSlim[] _locks = Enumerable.Range(0, 64).Select(_ => new SemaphoreSlim(1, 1)).ToArray();

    public Task CreateAsync(string key, FlowRecordStart start, FlowStep firstStep) =>
        AddAsync(key, new FlowRecordIndex { StartedAt = start.StartedAt, ExpiresAt = start.ExpiresAt, CodeChallenge = start.CodeChallenge },
            [firstStep], int.MaxValue, start.StartedAt);

    public async Task<bool> AppendAsync(string key, IReadOnlyList<FlowStep> steps, int maxSteps, DateTimeOffset now)
    {
        var gate = _locks[(int)((uint)StringComparer.Ordinal.GetHashCode(key) % (uint)_locks.Length)];
        await gate.WaitAsync();
        try
        {
            var index = await ReadIndexAsync(key, now);
            if (index is null)
            {
                return false;
            }
            await AddAsync(key, index, steps, maxSteps, now);
            return true;
        }
        finally
        {
            gate.Release();
        }
    }

    public async Task<FlowRecord?> ReadAsync(string key, DateTimeOffset now)
    {
        if (await ReadIndexAsync(key, now) is not { } index)
        {
            return null;
        }
        var record = new FlowRecord { StartedAt = index.StartedAt, CodeChallenge = index.CodeChallenge, DroppedSteps = index.DroppedSteps };
        foreach (var entry in index.Steps)
        {
            var bytes = await cache.GetAsync(StepKey(key, entry.Number));
            if (bytes is not null && FlowRecordJson.Deserialize<FlowStep>(bytes, logger) is { } step)
            {
                record.Steps.Add(step);
            }
        }
        return record;
    }

    public async Task RemoveAsync(string key)
    {
        if (await cache.GetAsync(key) is { } bytes && FlowRecordJson.Deserialize<FlowRecordIndex>(bytes, logger) is { } index)
        {
            foreach (var entry in index.Steps)
            {
                await cache.RemoveAsync(StepKey(key, entry.Number));
            }
        }
        await cache.RemoveAsync(key);
    }

    private static string StepKey(string key, int number) => $"{key}:{number}";

    // Each step is its own entry and the index only lists them, so an API call costs one small write, not the whole
    // record. The writes of one append are sent together; a step that would be dropped in the same append is never written.
    private async Task AddAsync(string key, FlowRecordIndex index, IEnumerable<FlowStep> steps, int maxSteps, DateTimeOffset now)
    {
        var remaining = index.ExpiresAt - now;
        if (remaining <= TimeSpan.Zero)
        {
            return;
        }
        var entry = new DistributedCacheEntryOptions { AbsoluteExpirationRelativeToNow = remaining };
        var added = new Dictionary<int, FlowStep>();
        foreach (var step in steps)
        {
            var number = index.NextNumber++;
            index.Steps.Add(new FlowStepEntry(number, step.Kind));
            added[number] = step;
        }
        var writes = new List<Task>();
        while (index.Steps.Count > maxSteps)
        {
            // The connection itself (authorize, callback, token) is what the page is for: API calls give way first.
            var oldest = index.Steps.FindIndex(s => s.Kind == FlowStepKind.ApiCall);
            var dropped = index.Steps[oldest >= 0 ? oldest : 1];
            index.Steps.Remove(dropped);
            index.DroppedSteps++;
            if (!added.Remove(dropped.Number))
            {
                writes.Add(cache.RemoveAsync(StepKey(key, dropped.Number)));
            }
        }
        foreach (var (number, step) in added)
        {
            writes.Add(cache.SetAsync(StepKey(key, number), FlowRecordJson.Serialize(step), entry));
        }
        writes.Add(cache.SetAsync(key, FlowRecordJson.Serialize(index), entry));
        await Task.WhenAll(writes);
    }

    private async Task<FlowRecordIndex?> ReadIndexAsync(string key, DateTimeOffset now)
    {
        var bytes = await cache.GetAsync(key);
        var index = bytes is null ? null : FlowRecordJson.Deserialize<FlowRecordIndex>(bytes, logger);
        // The cache's own expiry runs on its clock; this check runs on the app's, so tests can move time.
        if (index is not null && index.ExpiresAt <= now)
        {
            await cache.RemoveAsync(key);
            return null;
        }
        return index;
    }

    /// <summary>What the cache keeps under a record's key: when it started and expires, and which step entries it has, in order.</summary>
    private sealed class FlowRecordIndex
    {
        public DateTimeOffset StartedAt { get; set; }

        public DateTimeOffset ExpiresAt { get; set; }

        public string? CodeChallenge { get; set; }

        public int DroppedSteps { get; set; }

        public int NextNumber { get; set; }

        public List<FlowStepEntry> Steps { get; set; } = [];
    }

    private sealed record FlowStepEntry(int Number, FlowStepKind Kind);
}
