using System.Net;

namespace AgilePlanner.Api;

/// <summary>
/// Answers marked GETs from <see cref="AgilePlannerResponseCache"/>. It sits inside <see cref="BearerTokenHandler"/>, so it sees
/// the token each call is made with, and outside the resilience pipeline, so a fresh answer needs no call at all.
/// </summary>
internal sealed class ResponseCacheHandler(AgilePlannerResponseCache cache) : DelegatingHandler
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        if (request.Headers.Authorization?.Parameter is not { Length: > 0 } token || request.RequestUri is not { } address)
        {
            return await base.SendAsync(request, cancellationToken);
        }

        var tokenKey = AgilePlannerResponseCache.TokenKey(token);
        if (request.Method != HttpMethod.Get)
        {
            var written = await base.SendAsync(request, cancellationToken);
            if (written.IsSuccessStatusCode || written.StatusCode == HttpStatusCode.Unauthorized)
            {
                await cache.InvalidateAsync(tokenKey, cancellationToken);
            }
            return written;
        }

        if (!request.Options.TryGetValue(AgilePlannerResponseCache.Cacheable, out var cacheable) || !cacheable)
        {
            var uncached = await base.SendAsync(request, cancellationToken);
            if (uncached.StatusCode == HttpStatusCode.Unauthorized)
            {
                await cache.InvalidateAsync(tokenKey, cancellationToken);
            }
            return uncached;
        }

        // Read before the call: an answer to a call that raced a write is kept under the generation the write left behind.
        if (await cache.GenerationAsync(tokenKey, cancellationToken) is not { } generation)
        {
            // The shared store is unreachable: no way to know whether a kept answer is still current, so the API is asked.
            AgilePlannerApiTelemetry.CacheResult("unavailable");
            return await base.SendAsync(request, cancellationToken);
        }

        var now = cache.Now;
        var cached = await cache.TryGetAsync(tokenKey, generation, address, cancellationToken);
        if (cached is not null && now < cached.FreshUntil)
        {
            AgilePlannerApiTelemetry.CacheResult("hit");
            return cached.ToResponse(request);
        }
        if (cached?.ETag is { } etag)
        {
            request.Headers.IfNoneMatch.Add(etag);
        }

        var response = await base.SendAsync(request, cancellationToken);
        AgilePlannerApiTelemetry.CacheResult(response.StatusCode == HttpStatusCode.NotModified && cached is not null ? "revalidated" : "miss");
        if (response.StatusCode == HttpStatusCode.NotModified && cached is not null)
        {
            var revalidated = cached with { FreshUntil = now + Freshness(response) };
            await cache.SetAsync(tokenKey, generation, address, revalidated, cancellationToken);
            response.Dispose();
            return revalidated.ToResponse(request);
        }

        if (response.StatusCode == HttpStatusCode.Unauthorized)
        {
            // The token is no longer valid: nothing it cached may be served again, whatever page asks.
            await cache.InvalidateAsync(tokenKey, cancellationToken);
            return response;
        }

        if (response.StatusCode != HttpStatusCode.OK || response.Headers.CacheControl?.NoStore == true)
        {
            await cache.RemoveAsync(tokenKey, generation, address, cancellationToken);
            return response;
        }

        var body = await response.Content.ReadAsByteArrayAsync(cancellationToken);
        var answer = new CachedAnswer(body, response.Content.Headers.ContentType, response.Headers.ETag, now + Freshness(response));
        if (answer.ETag is not null || answer.FreshUntil > now)
        {
            await cache.SetAsync(tokenKey, generation, address, answer, cancellationToken);
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
