using System.Globalization;
using AgilePlanner.WebApp.Hosting;
using StackExchange.Redis;

namespace AgilePlanner.WebApp.Flow;

/// <summary>
/// The flow records in Redis, shared by every instance. A record is three keys in one hash slot: a hash of its dates,
/// challenge and counters, a list of its step entries in order (<c>number:kind</c>), and a hash of the steps themselves.
/// Each operation is one script, so an append is one round trip and atomic: two instances adding to one browser's record at
/// once both land, numbered apart, with the limit applied to the whole.
/// </summary>
public sealed class RedisFlowRecordStore(RedisConnection redis, ILogger<RedisFlowRecordStore> logger) : IFlowRecordStore
{
    // KEYS: meta, entries, steps. ARGV: milliseconds to live, expires (Unix ms), started, challenge, first kind, first step.
    private const string CreateScript = """
        redis.call('DEL', KEYS[1], KEYS[2], KEYS[3])
        redis.call('HSET', KEYS[1], 'expires', ARGV[2], 'started', ARGV[3], 'challenge', ARGV[4], 'dropped', 0, 'next', 1)
        redis.call('RPUSH', KEYS[2], '0:' .. ARGV[5])
        redis.call('HSET', KEYS[3], '0', ARGV[6])
        for i = 1, 3 do redis.call('PEXPIRE', KEYS[i], ARGV[1]) end
        return 1
        """;

    // KEYS: meta, entries, steps. ARGV: now (Unix ms), the most steps, the API call's kind, then a kind and a step for each step.
    // The entries are read, extended and cut to the limit here, then written back whole: they are at most the limit long.
    private const string AppendScript = """
        local expires = tonumber(redis.call('HGET', KEYS[1], 'expires'))
        local now = tonumber(ARGV[1])
        if not expires then return 0 end
        if expires <= now then
          redis.call('DEL', KEYS[1], KEYS[2], KEYS[3])
          return 0
        end
        local max, api = tonumber(ARGV[2]), ARGV[3]
        local count = (#ARGV - 3) / 2
        local first = redis.call('HINCRBY', KEYS[1], 'next', count) - count
        local entries = redis.call('LRANGE', KEYS[2], 0, -1)
        local added = {}
        for i = 1, count do
          local number = tostring(first + i - 1)
          entries[#entries + 1] = number .. ':' .. ARGV[2 + 2 * i]
          added[number] = ARGV[3 + 2 * i]
        end
        local dropped = 0
        while #entries > max do
          local position = 2
          for i, entry in ipairs(entries) do
            if string.match(entry, ':(%d+)$') == api then position = i break end
          end
          local number = string.match(table.remove(entries, position), '^(%d+):')
          if added[number] then added[number] = nil else redis.call('HDEL', KEYS[3], number) end
          dropped = dropped + 1
        end
        if dropped > 0 then redis.call('HINCRBY', KEYS[1], 'dropped', dropped) end
        for number, step in pairs(added) do redis.call('HSET', KEYS[3], number, step) end
        redis.call('DEL', KEYS[2])
        redis.call('RPUSH', KEYS[2], unpack(entries))
        for i = 1, 3 do redis.call('PEXPIRE', KEYS[i], expires - now) end
        return 1
        """;

    // KEYS: meta, entries, steps. ARGV: now (Unix ms). Returns started, challenge, dropped, then the steps in order.
    private const string ReadScript = """
        local meta = redis.call('HMGET', KEYS[1], 'expires', 'started', 'challenge', 'dropped')
        if not meta[1] then return false end
        if tonumber(meta[1]) <= tonumber(ARGV[1]) then
          redis.call('DEL', KEYS[1], KEYS[2], KEYS[3])
          return false
        end
        local numbers = {}
        for i, entry in ipairs(redis.call('LRANGE', KEYS[2], 0, -1)) do numbers[i] = string.match(entry, '^(%d+):') end
        local result = {meta[2], meta[3], meta[4]}
        if #numbers > 0 then
          for _, step in ipairs(redis.call('HMGET', KEYS[3], unpack(numbers))) do result[#result + 1] = step end
        end
        return result
        """;

    public async Task CreateAsync(string key, FlowRecordStart start, FlowStep firstStep)
    {
        var lifetime = (long)(start.ExpiresAt - start.StartedAt).TotalMilliseconds;
        if (lifetime <= 0)
        {
            return;
        }
        await redis.Database.ScriptEvaluateAsync(CreateScript, Keys(key),
        [
            lifetime,
            start.ExpiresAt.ToUnixTimeMilliseconds(),
            start.StartedAt.ToString("O", CultureInfo.InvariantCulture),
            start.CodeChallenge ?? string.Empty,
            (int)firstStep.Kind,
            FlowRecordJson.Serialize(firstStep),
        ]);
    }

    public async Task<bool> AppendAsync(string key, IReadOnlyList<FlowStep> steps, int maxSteps, DateTimeOffset now)
    {
        if (steps.Count == 0)
        {
            return await ReadAsync(key, now) is not null;
        }
        var values = new RedisValue[3 + 2 * steps.Count];
        values[0] = now.ToUnixTimeMilliseconds();
        values[1] = maxSteps;
        values[2] = (int)FlowStepKind.ApiCall;
        for (var i = 0; i < steps.Count; i++)
        {
            values[3 + 2 * i] = (int)steps[i].Kind;
            values[4 + 2 * i] = FlowRecordJson.Serialize(steps[i]);
        }
        return (int)await redis.Database.ScriptEvaluateAsync(AppendScript, Keys(key), values) == 1;
    }

    public async Task<FlowRecord?> ReadAsync(string key, DateTimeOffset now)
    {
        var result = await redis.Database.ScriptEvaluateAsync(ReadScript, Keys(key), [now.ToUnixTimeMilliseconds()]);
        if (result.IsNull || result.Resp2Type != ResultType.Array)
        {
            return null;
        }
        var parts = (RedisResult[])result!;
        if (!DateTimeOffset.TryParseExact((string?)parts[0], "O", CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out var started))
        {
            FlowRecordJson.LogUnreadable(logger);
            return null;
        }
        var challenge = (string?)parts[1];
        var record = new FlowRecord
        {
            StartedAt = started,
            CodeChallenge = string.IsNullOrEmpty(challenge) ? null : challenge,
            DroppedSteps = (int)parts[2],
        };
        foreach (var part in parts.Skip(3))
        {
            if (!part.IsNull && FlowRecordJson.Deserialize<FlowStep>((byte[])part!, logger) is { } step)
            {
                record.Steps.Add(step);
            }
        }
        return record;
    }

    public Task RemoveAsync(string key) => redis.Database.KeyDeleteAsync(Keys(key));

    // One hash slot for the three ({...} is the part Redis Cluster hashes), under the app's prefix.
    private static RedisKey[] Keys(string key) =>
        [$"AgilePlanner:{{{key}}}:meta", $"AgilePlanner:{{{key}}}:entries", $"AgilePlanner:{{{key}}}:steps"];
}
