using System.Globalization;
using AgilePlanner.Api;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace AgilePlanner.AspNetCore;

/// <summary>
/// The signed-in user's Agile Planner session, in the cookie (or other) scheme the provider signs in to: its tokens, refreshed
/// ones written back, and sign-out with RFC 7009 revocation. The tokens never leave the server except inside that scheme's
/// protected ticket.
/// </summary>
public sealed class AgilePlannerSession
{
    private static readonly object CurrentKey = new();

    private readonly IHttpContextAccessor _httpContextAccessor;
    private readonly IOptionsMonitor<AgilePlannerAuthenticationOptions> _options;
    private readonly AgilePlannerScheme _scheme;
    private readonly TimeProvider _time;
    private readonly ILogger<AgilePlannerSession> _logger;

    internal AgilePlannerSession(
        IHttpContextAccessor httpContextAccessor, IOptionsMonitor<AgilePlannerAuthenticationOptions> options, AgilePlannerScheme scheme,
        TimeProvider time, ILogger<AgilePlannerSession> logger)
    {
        _httpContextAccessor = httpContextAccessor;
        _options = options;
        _scheme = scheme;
        _time = time;
        _logger = logger;
    }

    private HttpContext Context => _httpContextAccessor.HttpContext
        ?? throw new InvalidOperationException("The Agile Planner session is only available while handling a request.");

    internal AgilePlannerAuthenticationOptions Options => _options.Get(_scheme.Name);

    private string? SignInScheme => Options.SignInScheme;

    /// <summary>The current request's tokens, or null when the user is not signed in with Agile Planner.</summary>
    /// <returns>The tokens.</returns>
    public async Task<AgilePlannerSessionTokens?> GetTokensAsync()
    {
        if (Context.Items.TryGetValue(CurrentKey, out var current))
        {
            return current as AgilePlannerSessionTokens;
        }

        var result = await Context.AuthenticateAsync(SignInScheme);
        return result.Succeeded ? SessionTokenNames.Read(result.Properties) : null;
    }

    /// <summary>
    /// Marks the access token as expired now (its expiry in the session, not at the provider), so the next API call refreshes it:
    /// a refresh can be watched or tested without waiting for the real expiry.
    /// </summary>
    /// <returns>False without a session that has a refresh token.</returns>
    public async Task<bool> ExpireAccessTokenAsync()
    {
        var result = await Context.AuthenticateAsync(SignInScheme);
        if (!result.Succeeded || SessionTokenNames.Read(result.Properties) is not { RefreshToken: not null })
        {
            return false;
        }

        var properties = result.Properties;
        var expired = _time.GetUtcNow().ToString("o", CultureInfo.InvariantCulture);
        // A provider that sent no expires_in left no expiry to change: one is added.
        foreach (var name in (ReadOnlySpan<string>)[SessionTokenNames.ExpiresAt, SessionTokenNames.RefreshAt])
        {
            if (!properties.UpdateTokenValue(name, expired))
            {
                properties.StoreTokens([.. properties.GetTokens(), new AuthenticationToken { Name = name, Value = expired }]);
            }
        }
        await RenewAsync(result.Principal, properties);
        return true;
    }

    /// <summary>
    /// Signs out: revokes the refresh token, then the access token, at the provider's revocation endpoint (RFC 7009) when it has
    /// one, forgets what the API client cached for the token, and signs out of the session's scheme.
    /// </summary>
    /// <param name="cancellationToken">Cancels the revocation (the sign-out still happens).</param>
    /// <returns>Whether the provider confirmed the revocation.</returns>
    public async Task<RevocationOutcome> SignOutAsync(CancellationToken cancellationToken = default)
    {
        var tokens = await GetTokensAsync();
        var outcome = RevocationOutcome.NotAttempted;
        var options = Options;
        var provider = tokens is null ? null : (await Context.RequestServices.GetRequiredService<ProviderResolver>().ResolveAsync(options, Context, cancellationToken)).Provider;
        if (tokens is not null && AgilePlannerEndpoints.ForBackchannel(provider?.RevocationEndpoint, Context) is { } endpoint)
        {
            using var activity = AgilePlannerTelemetry.ActivitySource.StartActivity("agileplanner.token.revoke");
            var client = Context.RequestServices.GetRequiredService<AgilePlannerTokenClient>();
            // The refresh token first: revoking it ends the grant, access tokens included, at servers that link them.
            var refresh = tokens.RefreshToken is null
                ? RevocationOutcome.Confirmed
                : await client.RevokeAsync(endpoint, options, tokens.RefreshToken, "refresh_token", cancellationToken);
            // A provider that did not answer is not asked again: the user would sit through a second back-channel timeout.
            var access = refresh == RevocationOutcome.NoAnswer
                ? RevocationOutcome.NoAnswer
                : await client.RevokeAsync(endpoint, options, tokens.AccessToken, "access_token", cancellationToken);
            outcome = refresh == RevocationOutcome.Confirmed ? access : refresh;
            activity?.SetTag("agileplanner.outcome", outcome.ToString());
        }

        if (tokens is not null)
        {
            // The session cookie may be replayed after this: what the token read must not outlive the session (not cancelled with
            // the revocation: the sign-out goes on, and so does this).
            if (Context.RequestServices.GetService<AgilePlannerResponseCache>() is { } cache)
            {
                await cache.ForgetAsync(tokens.AccessToken, CancellationToken.None);
            }
        }
        await ClearAsync();
        return outcome;
    }

    /// <summary>Ends the session without asking the provider: for tokens the provider already refused.</summary>
    /// <returns>A task.</returns>
    public async Task ClearAsync()
    {
        Context.Items[CurrentKey] = null;
        await Context.SignOutAsync(SignInScheme);
    }

    /// <summary>Keeps refreshed tokens: a new refresh token replaces the spent one (rotation), the old one is kept if none came.</summary>
    internal async Task<AgilePlannerSessionTokens?> SaveAsync(TokenSet refreshed)
    {
        var result = await Context.AuthenticateAsync(SignInScheme);
        if (!result.Succeeded || SessionTokenNames.Read(result.Properties) is not { } previous)
        {
            return null;
        }

        var tokens = refreshed with { RefreshToken = refreshed.RefreshToken ?? previous.RefreshToken };
        var properties = result.Properties;
        properties.StoreTokens(SessionTokenNames.ToAuthenticationTokens(tokens, refreshed.Scope ?? string.Join(' ', previous.Scopes), _time.GetUtcNow()));
        return await RenewAsync(result.Principal, properties);
    }

    private async Task<AgilePlannerSessionTokens?> RenewAsync(System.Security.Claims.ClaimsPrincipal principal, AuthenticationProperties properties)
    {
        properties.IssuedUtc = null;
        properties.ExpiresUtc = null;
        await Context.SignInAsync(SignInScheme, principal, properties);
        var saved = SessionTokenNames.Read(properties);
        Context.Items[CurrentKey] = saved;
        AgilePlannerLog.SessionTokensSaved(_logger);
        return saved;
    }
}
