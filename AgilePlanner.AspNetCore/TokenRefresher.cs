using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Logging;

namespace AgilePlanner.AspNetCore;

/// <summary>
/// Refreshes a session's tokens, one refresh at a time per refresh token. Requests of the same session that arrive meanwhile
/// get the same answer instead of spending the rotated refresh token a second time, which the provider would treat as reuse
/// and answer by revoking the whole family.
/// </summary>
internal sealed class TokenRefresher(AgilePlannerTokenClient tokenClient, ProviderResolver resolver, IMemoryCache cache, ILogger<TokenRefresher> logger)
{
    private static readonly TimeSpan RememberAnswer = TimeSpan.FromMinutes(2);
    private readonly ConcurrentDictionary<string, SemaphoreSlim> _gates = new();

    public async Task<TokenResult> RefreshAsync(HttpContext context, AgilePlannerAuthenticationOptions options, string refreshToken, CancellationToken cancellationToken)
    {
        var key = "refresh:" + Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(refreshToken)));
        if (cache.TryGetValue(key, out TokenResult? answered) && answered is not null)
        {
            logger.RefreshReused();
            return answered;
        }

        var gate = _gates.GetOrAdd(key, _ => new SemaphoreSlim(1, 1));
        await gate.WaitAsync(cancellationToken);
        try
        {
            if (cache.TryGetValue(key, out answered) && answered is not null)
            {
                logger.RefreshReused();
                return answered;
            }

            var (provider, _) = await resolver.ResolveAsync(options, context, cancellationToken);
            if (AgilePlannerEndpoints.ForBackchannel(provider?.TokenEndpoint, context) is not { } tokenEndpoint)
            {
                // The metadata cannot be read now: the session is kept, and the next request tries again.
                return TokenResult.Failed(TokenFailure.Unreachable);
            }
            var result = await tokenClient.RefreshAsync(tokenEndpoint, options, refreshToken, cancellationToken);
            if (result.Succeeded || result.ConnectionRefused)
            {
                cache.Set(key, result, RememberAnswer);
            }
            if (result.Succeeded)
            {
                logger.TokenRefreshed();
            }
            return result;
        }
        finally
        {
            gate.Release();
            _gates.TryRemove(new KeyValuePair<string, SemaphoreSlim>(key, gate));
        }
    }
}
