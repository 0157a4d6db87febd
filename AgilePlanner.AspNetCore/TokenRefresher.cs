using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Medallion.Threading;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Caching.Distributed;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace AgilePlanner.AspNetCore;

/// <summary>
/// Refreshes a session's tokens, one refresh at a time per refresh token. Requests of the same session that arrive meanwhile
/// get the same answer instead of spending the rotated refresh token a second time, which the provider would treat as reuse
/// and answer by revoking the whole family.
/// </summary>
/// <remarks>
/// The answers are remembered for two minutes in <see cref="IDistributedCache"/>, encrypted with Data Protection (they hold
/// tokens), under a hash of the refresh token. One request at a time per refresh token in this process; with an
/// <see cref="IDistributedLockProvider"/> registered (Redis, for several instances), one at a time across every instance too,
/// under a lock whose lease ends by itself if the instance holding it dies.
/// </remarks>
internal sealed class TokenRefresher(
    AgilePlannerTokenClient tokenClient, ProviderResolver resolver, IDistributedCache cache, IDataProtectionProvider dataProtection, IServiceProvider services,
    ILogger<TokenRefresher> logger)
{
    private static readonly TimeSpan RememberAnswer = TimeSpan.FromMinutes(2);

    /// <summary>How long a request waits for another instance's refresh of the same token before giving up on this one.</summary>
    private static readonly TimeSpan LockWait = TimeSpan.FromSeconds(15);

    private readonly ConcurrentDictionary<string, SemaphoreSlim> _gates = new();
    private readonly IDataProtector _protector = dataProtection.CreateProtector("AgilePlanner.AspNetCore.RefreshAnswers");
    private readonly IDistributedLockProvider? _locks = services.GetService<IDistributedLockProvider>();

    public async Task<TokenResult> RefreshAsync(HttpContext context, AgilePlannerAuthenticationOptions options, string refreshToken, CancellationToken cancellationToken)
    {
        using var activity = AgilePlannerTelemetry.ActivitySource.StartActivity("agileplanner.token.refresh");
        var key = "agileplanner:refresh:" + Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(refreshToken)));
        if (await RememberedAsync(key, cancellationToken) is { } answered)
        {
            logger.RefreshReused();
            AgilePlannerTelemetry.Refresh(activity, answered, shared: true);
            return answered;
        }

        var gate = _gates.GetOrAdd(key, _ => new SemaphoreSlim(1, 1));
        await gate.WaitAsync(cancellationToken);
        try
        {
            await using var held = _locks is null ? null : await _locks.TryAcquireLockAsync(key + ":lock", LockWait, cancellationToken);
            if (_locks is not null && held is null)
            {
                // Another instance has held the lock all this while: the session is kept, and the next request tries again.
                logger.RefreshLockTimedOut();
                var timedOut = TokenResult.Failed(TokenFailure.Timeout);
                AgilePlannerTelemetry.Refresh(activity, timedOut, shared: false);
                return timedOut;
            }

            if (await RememberedAsync(key, cancellationToken) is { } answeredMeanwhile)
            {
                logger.RefreshReused();
                AgilePlannerTelemetry.Refresh(activity, answeredMeanwhile, shared: true);
                return answeredMeanwhile;
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
                await RememberAsync(key, result, cancellationToken);
            }
            if (result.Succeeded)
            {
                logger.TokenRefreshed();
            }
            AgilePlannerTelemetry.Refresh(activity, result, shared: false);
            return result;
        }
        finally
        {
            gate.Release();
            _gates.TryRemove(new KeyValuePair<string, SemaphoreSlim>(key, gate));
        }
    }

    private async Task<TokenResult?> RememberedAsync(string key, CancellationToken cancellationToken)
    {
        var stored = await cache.GetAsync(key, cancellationToken);
        if (stored is null)
        {
            return null;
        }
        try
        {
            return JsonSerializer.Deserialize<TokenResult>(_protector.Unprotect(stored));
        }
        catch (Exception exception) when (exception is CryptographicException or JsonException)
        {
            // Sealed with a key this app no longer has, or altered: as if nothing were remembered.
            return null;
        }
    }

    private Task RememberAsync(string key, TokenResult result, CancellationToken cancellationToken) =>
        cache.SetAsync(key, _protector.Protect(JsonSerializer.SerializeToUtf8Bytes(result)),
            new DistributedCacheEntryOptions { AbsoluteExpirationRelativeToNow = RememberAnswer }, cancellationToken);
}
