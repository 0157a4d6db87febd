using System.Globalization;
using AgilePlanner.WebApp.Authentication;
using Microsoft.AspNetCore.Authentication;

namespace AgilePlanner.WebApp.Session;

/// <summary>
/// Reads the current request's tokens from the session cookie and writes refreshed ones back into it.
/// The tokens never leave the server except inside the encrypted cookie.
/// </summary>
public sealed class SessionStore(IHttpContextAccessor httpContextAccessor)
{
    private static readonly object CurrentKey = new();

    private HttpContext Context => httpContextAccessor.HttpContext
        ?? throw new InvalidOperationException("The session is only available while handling a request.");

    public async Task<SessionTokens?> GetTokensAsync()
    {
        if (Context.Items.TryGetValue(CurrentKey, out var current))
        {
            return current as SessionTokens;
        }

        var result = await Context.AuthenticateAsync(AgilePlannerAuthenticationDefaults.SessionScheme);
        return result.Succeeded ? SessionTokens.From(result.Properties) : null;
    }

    /// <summary>Keeps refreshed tokens: a new refresh token replaces the spent one (rotation), the old one is kept if none came.</summary>
    public async Task<SessionTokens?> SaveAsync(TokenSet refreshed, DateTimeOffset now)
    {
        var result = await Context.AuthenticateAsync(AgilePlannerAuthenticationDefaults.SessionScheme);
        if (!result.Succeeded || SessionTokens.From(result.Properties) is not { } previous)
        {
            return null;
        }

        var tokens = refreshed with { RefreshToken = refreshed.RefreshToken ?? previous.RefreshToken };
        var properties = result.Properties;
        properties.StoreTokens(SessionTokenNames.ToAuthenticationTokens(tokens, refreshed.Scope ?? string.Join(' ', previous.Scopes), now));
        properties.IssuedUtc = null;
        properties.ExpiresUtc = null;
        await Context.SignInAsync(AgilePlannerAuthenticationDefaults.SessionScheme, result.Principal, properties);

        var saved = SessionTokens.From(properties);
        Context.Items[CurrentKey] = saved;
        return saved;
    }

    /// <summary>
    /// Marks the access token as expired now (its expiry in the cookie, not at the provider), so the next API call
    /// refreshes it: the refresh can be watched without waiting for the real expiry. False without a refreshable session.
    /// </summary>
    public async Task<bool> ExpireAccessTokenAsync(DateTimeOffset now)
    {
        var result = await Context.AuthenticateAsync(AgilePlannerAuthenticationDefaults.SessionScheme);
        if (!result.Succeeded || SessionTokens.From(result.Properties) is not { RefreshToken: not null })
        {
            return false;
        }

        var properties = result.Properties;
        var expired = now.ToString("o", CultureInfo.InvariantCulture);
        // A provider that sent no expires_in left no expiry to change: one is added.
        if (!properties.UpdateTokenValue(SessionTokenNames.ExpiresAt, expired))
        {
            properties.StoreTokens([.. properties.GetTokens(), new AuthenticationToken { Name = SessionTokenNames.ExpiresAt, Value = expired }]);
        }
        properties.IssuedUtc = null;
        properties.ExpiresUtc = null;
        await Context.SignInAsync(AgilePlannerAuthenticationDefaults.SessionScheme, result.Principal, properties);
        Context.Items[CurrentKey] = SessionTokens.From(properties);
        return true;
    }

    public async Task ClearAsync()
    {
        Context.Items[CurrentKey] = null;
        await Context.SignOutAsync(AgilePlannerAuthenticationDefaults.SessionScheme);
    }
}
