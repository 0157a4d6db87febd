using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using AgilePlanner.WebApp.Configuration;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Options;

namespace AgilePlanner.WebApp.Api;

/// <summary>
/// A private cache of the API's slow-changing answers (the account, a project, its iterations), one per access token, so
/// a page does not call the API again for what it read seconds ago. Freshness follows the API's own <c>Cache-Control</c>
/// (<c>no-store</c> is never kept, <c>no-cache</c> is revalidated, <c>max-age</c> is honoured) and never exceeds
/// <c>AgilePlanner:ApiCacheDuration</c>, the time used when the API says nothing. A stale answer with an ETag is revalidated
/// with <c>If-None-Match</c>; a 304 costs the API no body. Any successful write by the same token drops everything it cached,
/// and so do a 401 for the token and Disconnect.
/// </summary>
public sealed class ApiResponseCache(TimeProvider time, IOptionsMonitor<AgilePlannerSettings> settings) : IDisposable
{
    /// <summary>Set by <see cref="AgilePlannerApiClient"/> on the GETs that may be answered from the cache.</summary>
    public static readonly HttpRequestOptionsKey<bool> Cacheable = new("AgilePlanner.Cacheable");

    // Kept after freshness ends for revalidation by ETag, then dropped.
    private static readonly TimeSpan KeptFor = TimeSpan.FromMinutes(10);

    private readonly MemoryCache _entries = new(new MemoryCacheOptions { SizeLimit = 32 * 1024 * 1024 });

    internal TimeSpan Limit => settings.CurrentValue.ApiCacheDuration;

    internal DateTimeOffset Now => time.GetUtcNow();

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

    /// <summary>
    /// Drops every answer cached for a token that has ended (Disconnect, or a 401 for it): a replayed session cookie
    /// still carrying it must not be shown what the token could read.
    /// </summary>
    public void Drop(string accessToken) => Invalidate(TokenKey(accessToken));

    /// <summary>A write makes every answer this token cached suspect: they are keyed by a generation that moves on.</summary>
    // Never evicted under memory pressure: a generation that fell back to 0 would bring the dropped answers back.
    internal void Invalidate(string tokenKey) =>
        _entries.Set(GenerationKey(tokenKey), Generation(tokenKey) + 1,
            new MemoryCacheEntryOptions { Size = 64, SlidingExpiration = KeptFor, Priority = CacheItemPriority.NeverRemove });

    private string Key(string tokenKey, Uri address) => $"{tokenKey}|{Generation(tokenKey)}|{address.PathAndQuery}";

    private long Generation(string tokenKey) => _entries.TryGetValue(GenerationKey(tokenKey), out long generation) ? generation : 0;

    private static string GenerationKey(string tokenKey) => "generation|" + tokenKey;

    public void Dispose() => _entries.Dispose();
}

/// <summary>An answer kept by <see cref="ApiResponseCache"/>: its body, type, validator and how long it stays fresh.</summary>
internal sealed record CachedAnswer(byte[] Body, MediaTypeHeaderValue? ContentType, EntityTagHeaderValue? ETag, DateTimeOffset FreshUntil)
{
    public HttpResponseMessage ToResponse(HttpRequestMessage request)
    {
        var content = new ByteArrayContent(Body);
        content.Headers.ContentType = ContentType;
        var response = new HttpResponseMessage(HttpStatusCode.OK) { Content = content, RequestMessage = request };
        response.Headers.ETag = ETag;
        return response;
    }
}

/// <summary>
/// Answers marked GETs from <see cref="ApiResponseCache"/>. It sits inside <see cref="BearerTokenHandler"/>, so it sees
/// the token each call is made with, and outside the resilience pipeline, so a fresh answer needs no call at all.
/// </summary>
public sealed class ApiResponseCacheHandler(ApiResponseCache cache) : DelegatingHandler
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        if (request.Headers.Authorization?.Parameter is not { Length: > 0 } token || request.RequestUri is not { } address)
        {
            return await base.SendAsync(request, cancellationToken);
        }

        var tokenKey = ApiResponseCache.TokenKey(token);
        if (request.Method != HttpMethod.Get)
        {
            var written = await base.SendAsync(request, cancellationToken);
            if (written.IsSuccessStatusCode || written.StatusCode == HttpStatusCode.Unauthorized)
            {
                cache.Invalidate(tokenKey);
            }
            return written;
        }

        if (!request.Options.TryGetValue(ApiResponseCache.Cacheable, out var cacheable) || !cacheable)
        {
            var uncached = await base.SendAsync(request, cancellationToken);
            if (uncached.StatusCode == HttpStatusCode.Unauthorized)
            {
                cache.Invalidate(tokenKey);
            }
            return uncached;
        }

        var now = cache.Now;
        cache.TryGet(tokenKey, address, out var cached);
        if (cached is not null && now < cached.FreshUntil)
        {
            return cached.ToResponse(request);
        }
        if (cached?.ETag is { } etag)
        {
            request.Headers.IfNoneMatch.Add(etag);
        }

        var response = await base.SendAsync(request, cancellationToken);
        if (response.StatusCode == HttpStatusCode.NotModified && cached is not null)
        {
            var revalidated = cached with { FreshUntil = now + Freshness(response) };
            cache.Set(tokenKey, address, revalidated);
            response.Dispose();
            return revalidated.ToResponse(request);
        }

        if (response.StatusCode == HttpStatusCode.Unauthorized)
        {
            // The token is no longer valid: nothing it cached may be served again, whatever page asks.
            cache.Invalidate(tokenKey);
            return response;
        }

        if (response.StatusCode != HttpStatusCode.OK || response.Headers.CacheControl?.NoStore == true)
        {
            cache.Remove(tokenKey, address);
            return response;
        }

        var body = await response.Content.ReadAsByteArrayAsync(cancellationToken);
        var answer = new CachedAnswer(body, response.Content.Headers.ContentType, response.Headers.ETag, now + Freshness(response));
        if (answer.ETag is not null || answer.FreshUntil > now)
        {
            cache.Set(tokenKey, address, answer);
        }
        response.Dispose();
        return answer.ToResponse(request);
    }

    /// <summary>The API's <c>max-age</c> (or zero for <c>no-cache</c>), capped by the configured duration, which applies when it says nothing.</summary>
    private TimeSpan Freshness(HttpResponseMessage response)
    {
        var limit = cache.Limit;
        var control = response.Headers.CacheControl;
        if (control is null)
        {
            return limit;
        }
        if (control.NoCache)
        {
            return TimeSpan.Zero;
        }
        return control.MaxAge is { } maxAge && maxAge < limit ? maxAge : limit;
    }
}
