using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Options;

namespace AgilePlanner.Api;

/// <summary>
/// A private cache of the API's slow-changing answers (the account, a project, its iterations), one set per access token, so
/// a page does not call the API again for what it read seconds ago. Freshness follows the API's own <c>Cache-Control</c>
/// (<c>no-store</c> is never kept, <c>no-cache</c> is revalidated, <c>max-age</c> is honoured) and never exceeds
/// <see cref="AgilePlannerResponseCacheOptions.MaxAge"/>. A stale answer with an ETag is revalidated with <c>If-None-Match</c>;
/// a 304 costs the API no body. A successful write with a token drops everything that token cached, and so do a 401 for the
/// token and <see cref="Forget"/>. Added by <see cref="AgilePlannerApiServiceCollectionExtensions.AddAgilePlannerResponseCache"/>.
/// </summary>
public sealed class AgilePlannerResponseCache : IDisposable
{
    /// <summary>Set by <see cref="AgilePlannerApiClient"/> on the GETs that may be answered from the cache.</summary>
    internal static readonly HttpRequestOptionsKey<bool> Cacheable = new("AgilePlanner.Cacheable");

    // Kept after freshness ends for revalidation by ETag, then dropped.
    private static readonly TimeSpan KeptFor = TimeSpan.FromMinutes(10);

    private readonly TimeProvider _time;
    private readonly IOptionsMonitor<AgilePlannerResponseCacheOptions> _options;
    private readonly MemoryCache _entries;

    /// <summary>Made by the container.</summary>
    /// <param name="time">The clock freshness is measured by.</param>
    /// <param name="options">The cache's limits.</param>
    public AgilePlannerResponseCache(TimeProvider time, IOptionsMonitor<AgilePlannerResponseCacheOptions> options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _time = time;
        _options = options;
        _entries = new MemoryCache(new MemoryCacheOptions { SizeLimit = options.CurrentValue.SizeLimit });
    }

    internal TimeSpan Limit => _options.CurrentValue.MaxAge;

    internal DateTimeOffset Now => _time.GetUtcNow();

    /// <summary>
    /// Drops every answer cached for a token that has ended (sign-out, or revocation): a replayed session cookie still carrying
    /// it must not be shown what the token could read. Dropped answers never come back.
    /// </summary>
    /// <param name="accessToken">The access token whose answers go.</param>
    public void Forget(string accessToken)
    {
        ArgumentNullException.ThrowIfNull(accessToken);
        Invalidate(TokenKey(accessToken));
    }

    /// <inheritdoc />
    public void Dispose() => _entries.Dispose();

    internal static string TokenKey(string accessToken) => Convert.ToBase64String(SHA256.HashData(Encoding.UTF8.GetBytes(accessToken)));

    internal bool TryGet(string tokenKey, Uri address, out CachedAnswer answer) =>
        _entries.TryGetValue(Key(tokenKey, address), out answer!);

    internal void Set(string tokenKey, Uri address, CachedAnswer answer) =>
        _entries.Set(Key(tokenKey, address), answer, new MemoryCacheEntryOptions
        {
            Size = answer.Body.Length + 512,
            SlidingExpiration = KeptFor,
        });

    internal void Remove(string tokenKey, Uri address) => _entries.Remove(Key(tokenKey, address));

    /// <summary>A write makes every answer this token cached suspect: they are keyed by a generation that moves on.</summary>
    // Never evicted under memory pressure: a generation that fell back to 0 would bring the dropped answers back.
    internal void Invalidate(string tokenKey) =>
        _entries.Set(GenerationKey(tokenKey), Generation(tokenKey) + 1,
            new MemoryCacheEntryOptions { Size = 64, SlidingExpiration = KeptFor, Priority = CacheItemPriority.NeverRemove });

    private string Key(string tokenKey, Uri address) => $"{tokenKey}|{Generation(tokenKey)}|{address.PathAndQuery}";

    private long Generation(string tokenKey) => _entries.TryGetValue(GenerationKey(tokenKey), out long generation) ? generation : 0;

    private static string GenerationKey(string tokenKey) => "generation|" + tokenKey;
}
