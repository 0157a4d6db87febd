using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Caching.Distributed;
using Microsoft.Extensions.Options;

namespace AgilePlanner.WebApp.Flow;

/// <summary>
/// Keeps each browser's <see cref="FlowRecord"/> in <see cref="IDistributedCache"/> under a random id that only that
/// browser holds, in an HttpOnly cookie of its own. A new connection starts a new record under a new id.
/// </summary>
public sealed partial class FlowRecorder(
    IDistributedCache cache,
    TimeProvider time,
    IOptions<FlowInspectorOptions> options,
    ILogger<FlowRecorder> logger)
{
    public const string CookieName = "AgilePlanner.Flow";

    /// <summary>Over HTTPS the cookie is bound to this exact host and path (RFC 6265bis cookie prefixes).</summary>
    public const string SecureCookieName = "__Host-AgilePlanner.Flow";

    private const int IdBytes = 32;
    private static readonly object CurrentIdKey = new();
    private static readonly object PendingCallbackKey = new();
    private static readonly object PendingPushKey = new();
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    // Steps of one record come from concurrent requests of the same browser; a lock per stripe keeps appends whole.
    private readonly SemaphoreSlim[] _locks = Enumerable.Range(0, 64).Select(_ => new SemaphoreSlim(1, 1)).ToArray();

    public FlowInspectorOptions Options => options.Value;

    /// <summary>Starts a new record for this browser (a new id in a new cookie) with its first step.</summary>
    public async Task StartAsync(HttpContext context, FlowStep firstStep, string? codeChallenge = null)
    {
        var id = Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(IdBytes));
        var index = new FlowRecordIndex { StartedAt = time.GetUtcNow(), CodeChallenge = codeChallenge };
        context.Items[CurrentIdKey] = id;
        context.Response.Cookies.Append(CookieNameFor(context.Request), id, new CookieOptions
        {
            HttpOnly = true,
            // Lax: the cookie must come back on the provider's top-level redirect to the callback.
            SameSite = SameSiteMode.Lax,
            Secure = context.Request.IsHttps,
            Path = "/",
            IsEssential = true,
            MaxAge = Options.Lifetime,
        });
        await AddAsync(id, index, [firstStep]);
    }

    /// <summary>True when this browser holds a record id (it may have expired since) or a callback waits to start one.</summary>
    public bool HasRecord(HttpContext context) => context.Items.ContainsKey(PendingCallbackKey) || CurrentId(context) is not null;

    /// <summary>
    /// Holds a pushed authorization request (RFC 9126) until the authorize redirect starts the record it belongs to: the push
    /// is made before that redirect, when this browser may hold no record yet, or the previous sign-in's.
    /// </summary>
    public void DeferPush(HttpContext context, FlowStep push) => context.Items[PendingPushKey] = push;

    /// <summary>The push held by <see cref="DeferPush"/>, taken once.</summary>
    public FlowStep? TakePush(HttpContext context) =>
        context.Items.Remove(PendingPushKey, out var pending) ? pending as FlowStep : null;

    /// <summary>
    /// Holds the callback step until the request has passed the app's forwarded-headers step (which decides whether
    /// the request is HTTPS, and so which cookie names the record); it is written before any later step of the request.
    /// </summary>
    public void DeferCallback(HttpContext context, FlowStep callback) => context.Items[PendingCallbackKey] = callback;

    /// <summary>Writes a deferred callback step: into this browser's record, or a new one if it has none.</summary>
    public async Task FlushCallbackAsync(HttpContext context)
    {
        if (context.Items.Remove(PendingCallbackKey, out var pending) && pending is FlowStep callback && !await AppendAsync(context, [callback]))
        {
            // A callback this browser has no record for: forged, replayed from elsewhere, or too late. Worth seeing.
            callback.Notes.Add("No authorize request from this browser was on record for this callback: it was started elsewhere, too long ago, or forged.");
            if (!context.Response.HasStarted)
            {
                await StartAsync(context, callback);
            }
        }
    }

    /// <summary>Adds steps to this browser's record; false (and nothing done) when the browser has none or it expired.</summary>
    public async Task<bool> AppendAsync(HttpContext context, params IEnumerable<FlowStep> steps)
    {
        if (context.Items.ContainsKey(PendingCallbackKey))
        {
            await FlushCallbackAsync(context);
        }
        var id = CurrentId(context);
        if (id is null)
        {
            return false;
        }
        var gate = _locks[(int)((uint)StringComparer.Ordinal.GetHashCode(id) % (uint)_locks.Length)];
        await gate.WaitAsync();
        try
        {
            var index = await ReadIndexAsync(id);
            if (index is null)
            {
                return false;
            }
            await AddAsync(id, index, steps);
            return true;
        }
        finally
        {
            gate.Release();
        }
    }

    /// <summary>This browser's record, or null when it has none, it expired, or its cookie names nothing.</summary>
    public async Task<FlowRecord?> GetAsync(HttpContext context)
    {
        var id = CurrentId(context);
        var index = id is null ? null : await ReadIndexAsync(id);
        if (index is null)
        {
            return null;
        }
        var record = new FlowRecord { StartedAt = index.StartedAt, CodeChallenge = index.CodeChallenge, DroppedSteps = index.DroppedSteps };
        foreach (var entry in index.Steps)
        {
            var bytes = await cache.GetAsync(StepKey(id!, entry.Number));
            if (bytes is not null && Deserialize<FlowStep>(bytes) is { } step)
            {
                record.Steps.Add(step);
            }
        }
        return record;
    }

    /// <summary>Forgets this browser's record and its cookie.</summary>
    public async Task ClearAsync(HttpContext context)
    {
        var id = CurrentId(context);
        context.Items.Remove(CurrentIdKey);
        context.Response.Cookies.Delete(CookieNameFor(context.Request), new CookieOptions { Path = "/", Secure = context.Request.IsHttps });
        if (id is not null && await ReadIndexAsync(id) is { } index)
        {
            foreach (var entry in index.Steps)
            {
                await cache.RemoveAsync(StepKey(id, entry.Number));
            }
            await cache.RemoveAsync(IndexKey(id));
        }
    }

    private static string CookieNameFor(HttpRequest request) => request.IsHttps ? SecureCookieName : CookieName;

    private static string? CurrentId(HttpContext context)
    {
        if (context.Items.TryGetValue(CurrentIdKey, out var started) && started is string id)
        {
            return id;
        }
        var cookie = context.Request.Cookies[CookieNameFor(context.Request)];
        return IsWellFormed(cookie) ? cookie : null;
    }

    private static bool IsWellFormed(string? id) =>
        id is { Length: 43 } && id.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_');

    // The cache holds a hash of the id, so whoever can read the cache still cannot present a browser's cookie.
    private static string IndexKey(string id) =>
        "flow:" + Convert.ToHexStringLower(SHA256.HashData(Encoding.ASCII.GetBytes(id)));

    private static string StepKey(string id, int number) => $"{IndexKey(id)}:{number}";

    // Each step is its own entry and the index only lists them, so an API call costs one small write, not the whole
    // record. The writes of one append are sent together (to Redis, one round trip instead of one each); a step that
    // would be dropped in the same append is never written.
    private async Task AddAsync(string id, FlowRecordIndex index, IEnumerable<FlowStep> steps)
    {
        var entry = Expiry(index);
        if (entry is null)
        {
            return;
        }
        var added = new Dictionary<int, FlowStep>();
        foreach (var step in steps)
        {
            var number = index.NextNumber++;
            index.Steps.Add(new FlowStepEntry(number, step.Kind));
            added[number] = step;
        }
        var writes = new List<Task>();
        while (index.Steps.Count > Options.MaxSteps)
        {
            // The connection itself (authorize, callback, token) is what the page is for: API calls give way first.
            var oldest = index.Steps.FindIndex(s => s.Kind == FlowStepKind.ApiCall);
            var dropped = index.Steps[oldest >= 0 ? oldest : 1];
            index.Steps.Remove(dropped);
            index.DroppedSteps++;
            if (!added.Remove(dropped.Number))
            {
                writes.Add(cache.RemoveAsync(StepKey(id, dropped.Number)));
            }
        }
        foreach (var (number, step) in added)
        {
            writes.Add(cache.SetAsync(StepKey(id, number), JsonSerializer.SerializeToUtf8Bytes(step, Json), entry));
        }
        writes.Add(cache.SetAsync(IndexKey(id), JsonSerializer.SerializeToUtf8Bytes(index, Json), entry));
        await Task.WhenAll(writes);
    }

    private DistributedCacheEntryOptions? Expiry(FlowRecordIndex index)
    {
        var remaining = index.StartedAt + Options.Lifetime - time.GetUtcNow();
        return remaining <= TimeSpan.Zero ? null : new DistributedCacheEntryOptions { AbsoluteExpirationRelativeToNow = remaining };
    }

    private async Task<FlowRecordIndex?> ReadIndexAsync(string id)
    {
        var bytes = await cache.GetAsync(IndexKey(id));
        var index = bytes is null ? null : Deserialize<FlowRecordIndex>(bytes);
        // The cache's own expiry runs on its clock; this check runs on the app's, so tests can move time.
        if (index is not null && index.StartedAt + Options.Lifetime <= time.GetUtcNow())
        {
            await cache.RemoveAsync(IndexKey(id));
            return null;
        }
        return index;
    }

    private T? Deserialize<T>(byte[] bytes)
        where T : class
    {
        try
        {
            return JsonSerializer.Deserialize<T>(bytes, Json);
        }
        catch (JsonException exception)
        {
            LogUnreadableRecord(logger, exception);
            return null;
        }
    }

    /// <summary>What the cache keeps under a record's key: when it started and which step entries it has, in order.</summary>
    private sealed class FlowRecordIndex
    {
        public DateTimeOffset StartedAt { get; set; }

        public string? CodeChallenge { get; set; }

        public int DroppedSteps { get; set; }

        public int NextNumber { get; set; }

        public List<FlowStepEntry> Steps { get; set; } = [];
    }

    private sealed record FlowStepEntry(int Number, FlowStepKind Kind);

    [LoggerMessage(Level = LogLevel.Warning, Message = "A flow record could not be read and was ignored")]
    private static partial void LogUnreadableRecord(ILogger logger, Exception exception);
}
