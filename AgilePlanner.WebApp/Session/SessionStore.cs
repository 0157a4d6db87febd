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

    public async Task ClearAsync()
    {
        Context.Items[CurrentKey] = null;
        await Context.SignOutAsync(AgilePlannerAuthenticationDefaults.SessionScheme);
    }
}
