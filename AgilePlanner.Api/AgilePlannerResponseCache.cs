using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Caching.Distributed;
using Microsoft.Extensions.Caching.Hybrid;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace AgilePlanner.Api;

/// <summary>
/// A private cache of the API's slow-changing answers (the account, a project, its iterations), one set per access token, so
/// a page does not call the API again for what it read seconds ago. Freshness follows the API's own <c>Cache-Control</c>
/// (<c>no-store</c> is never kept, <c>no-cache</c> is revalidated, <c>max-age</c> is honoured) and never exceeds
/// <see cref="AgilePlannerResponseCacheOptions.MaxAge"/>. A stale answer with an ETag is revalidated with <c>If-None-Match</c>;
/// a 304 costs the API no body. A successful write with a token drops everything that token cached, and so do a 401 for the
/// token and <see cref="ForgetAsync"/>. Added by <see cref="AgilePlannerApiServiceCollectionExtensions.AddAgilePlannerResponseCache"/>.
/// </summary>
/// <remarks>
/// The answers live in a <see cref="HybridCache"/> over the registered <see cref="IDistributedCache"/>: in process first, then
/// the distributed cache, which several instances of an app share when it is Redis. An answer is keyed by the token's hash, the
/// token's current generation and the path, so a written key always names the same answer and the in-process copy is never
/// wrong. The generation alone decides what is current: it is read from the distributed cache itself on every lookup (never
/// from a copy in process), and dropping a token's answers writes a new one there, so every instance stops using them at
/// once. HybridCache's own tags are not used for this: removing by tag does not reach other instances' in-process copies.
/// </remarks>
public sealed class AgilePlannerResponseCache : IDisposable
{
    /// <summary>Set by <see cref="AgilePlannerApiClient"/> on the GETs that may be answered from the cache.</summary>
    internal static readonly HttpRequestOptionsKey<bool> Cacheable = new("AgilePlanner.Cacheable");

    // Kept after freshness ends for revalidation by ETag, then dropped.
    private static readonly TimeSpan KeptFor = TimeSpan.FromMinutes(10);

    // A lookup that finds nothing writes nothing: the handler decides what is kept once the API has answered.
    private static readonly HybridCacheEntryOptions LookupOnly = new() { Flags = HybridCacheEntryFlags.DisableDistributedCacheWrite };

    private readonly TimeProvider _time;
    private readonly IOptionsMonitor<AgilePlannerResponseCacheOptions> _options;
    private readonly IDistributedCache _shared;
    private readonly ILogger _logger;
    private readonly MemoryCache _local;
    private readonly ServiceProvider _levels;
    private readonly HybridCache _entries;

    /// <summary>Made by the container.</summary>
    /// <param name="time">The clock freshness is measured by.</param>
    /// <param name="options">The cache's limits.</param>
    /// <param name="shared">Where the answers and each token's generation are kept for every instance of the app.</param>
    /// <param name="loggers">Where a distributed cache that could not be reached is reported.</param>
    public AgilePlannerResponseCache(TimeProvider time, IOptionsMonitor<AgilePlannerResponseCacheOptions> options, IDistributedCache shared, ILoggerFactory? loggers = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(shared);
        _time = time;
        _options = options;
        _shared = shared;
        loggers ??= NullLoggerFactory.Instance;
        _logger = loggers.CreateLogger<AgilePlannerResponseCache>();

        // A HybridCache of its own: its first level is bounded by SizeLimit (the app's IMemoryCache has no limit), and its
        // answers are written in their own format. Its second level is the app's distributed cache.
        _local = new MemoryCache(new MemoryCacheOptions { SizeLimit = options.CurrentValue.SizeLimit });
        var levels = new ServiceCollection();
        levels.AddSingleton(time);
        levels.AddSingleton(loggers);
        levels.AddSingleton<IMemoryCache>(_local);
        levels.AddSingleton(shared);
        levels.AddHybridCache(hybrid =>
        {
            hybrid.MaximumPayloadBytes = int.MaxValue;
            hybrid.MaximumKeyLength = 4096;
        }).AddSerializer<CachedAnswer?, CachedAnswerSerializer>();
        _levels = levels.BuildServiceProvider();
        _entries = _levels.GetRequiredService<HybridCache>();
    }

    internal TimeSpan Limit => _options.CurrentValue.MaxAge;

    internal DateTimeOffset Now => _time.GetUtcNow();

    /// <summary>
    /// Drops every answer cached for a token that has ended (sign-out, or revocation): a replayed session cookie still carrying
    /// it must not be shown what the token could read, on any instance. Dropped answers never come back.
    /// </summary>
    /// <param name="accessToken">The access token whose answers go.</param>
    /// <param name="cancellationToken">Stops waiting for the distributed cache.</param>
    /// <returns>A task.</returns>
    public Task ForgetAsync(string accessToken, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(accessToken);
        return InvalidateAsync(TokenKey(accessToken), cancellationToken);
    }

    /// <inheritdoc />
    public void Dispose()
    {
        _levels.Dispose();
        _local.Dispose();
    }

    internal static string TokenKey(string accessToken) => Convert.ToBase64String(SHA256.HashData(Encoding.UTF8.GetBytes(accessToken)));

    /// <summary>The token's current generation, read from the distributed cache; null when it cannot be reached (nothing is served then).</summary>
    internal Task<string?> GenerationAsync(string tokenKey, CancellationToken cancellationToken) =>
        FailOpenAsync(async cancel =>
        {
            if (await _shared.GetAsync(GenerationKey(tokenKey), cancel) is { Length: > 0 } stored)
            {
                return Encoding.UTF8.GetString(stored);
            }

            // None yet, or it expired or was evicted: a new one, never used before, so nothing kept under an older one returns.
            // Two instances doing this at once each write their own; the last one stands and the other's answers are not found.
            var generation = NewGeneration();
            await _shared.SetAsync(GenerationKey(tokenKey), Encoding.UTF8.GetBytes(generation), GenerationLifetime(), cancel);
            return (string?)generation;
        }, cancellationToken);

    internal Task<CachedAnswer?> TryGetAsync(string tokenKey, string generation, Uri address, CancellationToken cancellationToken) =>
        FailOpenAsync(cancel => _entries.GetOrCreateAsync(
            Key(tokenKey, generation, address), static _ => ValueTask.FromResult<CachedAnswer?>(null), LookupOnly, cancellationToken: cancel).AsTask(), cancellationToken);

    internal Task SetAsync(string tokenKey, string generation, Uri address, CachedAnswer answer, CancellationToken cancellationToken)
    {
        // Kept while fresh, then long enough to be revalidated by its ETag.
        var lifetime = answer.FreshUntil - Now;
        lifetime = (lifetime > TimeSpan.Zero ? lifetime : TimeSpan.Zero) + KeptFor;
        return FailOpenAsync(cancel => _entries.SetAsync(Key(tokenKey, generation, address), answer,
            new HybridCacheEntryOptions { Expiration = lifetime, LocalCacheExpiration = lifetime }, cancellationToken: cancel).AsTask(), cancellationToken);
    }

    internal Task RemoveAsync(string tokenKey, string generation, Uri address, CancellationToken cancellationToken) =>
        FailOpenAsync(cancel => _entries.RemoveAsync(Key(tokenKey, generation, address), cancel).AsTask(), cancellationToken);

    /// <summary>A write makes every answer this token cached suspect: they are keyed by a generation that moves on, for every instance.</summary>
    // Unreachable, so no instance can read the generation either, and none serves from the cache until it is back.
    internal Task InvalidateAsync(string tokenKey, CancellationToken cancellationToken) =>
        FailOpenAsync(cancel => _shared.SetAsync(GenerationKey(tokenKey), Encoding.UTF8.GetBytes(NewGeneration()), GenerationLifetime(), cancel), cancellationToken);

    /// <summary>
    /// The cache fails open: a store that cannot be reached is logged, and the caller goes on as if nothing were kept (a lookup
    /// finds nothing, a write is skipped). Only the caller's own cancellation passes through.
    /// </summary>
    private async Task<T?> FailOpenAsync<T>(Func<CancellationToken, Task<T>> operation, CancellationToken cancellationToken)
    {
        try
        {
            return await operation(cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            ApiLog.CacheUnavailable(_logger, ex.GetType().Name);
            return default;
        }
    }

    private Task<bool> FailOpenAsync(Func<CancellationToken, Task> operation, CancellationToken cancellationToken) =>
        FailOpenAsync(async cancel =>
        {
            await operation(cancel);
            return true;
        }, cancellationToken);

    private static string Key(string tokenKey, string generation, Uri address) => $"api|{tokenKey}|{generation}|{address.PathAndQuery}";

    private static string GenerationKey(string tokenKey) => "api-generation|" + tokenKey;

    private static string NewGeneration() => Convert.ToHexString(RandomNumberGenerator.GetBytes(12));

    // Outlives every answer kept under it (sliding: each lookup renews it), so a token's answers are not orphaned early.
    private DistributedCacheEntryOptions GenerationLifetime() =>
        new() { SlidingExpiration = TimeSpan.FromHours(1) + KeptFor + (Limit > TimeSpan.Zero ? Limit : TimeSpan.Zero) };
}
