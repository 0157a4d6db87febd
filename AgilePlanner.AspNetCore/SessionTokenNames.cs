using System.Globalization;
using Microsoft.AspNetCore.Authentication;

namespace AgilePlanner.AspNetCore;

/// <summary>Names of the tokens kept in the session's <see cref="AuthenticationProperties"/>: the framework's, plus the granted scope.</summary>
internal static class SessionTokenNames
{
    public const string AccessToken = "access_token";
    public const string RefreshToken = "refresh_token";
    public const string TokenType = "token_type";
    public const string ExpiresAt = "expires_at";
    public const string Scope = "scope";

    /// <summary>When to refresh: ahead of <see cref="ExpiresAt"/> by <see cref="RefreshMargin"/> of the token's lifetime.</summary>
    public const string RefreshAt = "refresh_at";

    /// <summary>The margin for a session saved before <see cref="RefreshAt"/> was kept, whose token's lifetime is unknown.</summary>
    private static readonly TimeSpan UnknownLifetimeMargin = TimeSpan.FromSeconds(60);

    /// <summary>
    /// How long before its expiry a token is refreshed: a tenth of its lifetime, at most a minute. Enough for the API call in
    /// flight to arrive with a live token; small enough that a short-lived token (15 s) is used for most of its life and
    /// refreshed once, not on every call (a fixed minute would refresh it on every call).
    /// </summary>
    public static TimeSpan RefreshMargin(TimeSpan lifetime) => TimeSpan.FromTicks(Math.Min(UnknownLifetimeMargin.Ticks, lifetime.Ticks / 10));

    /// <summary>The <see cref="RefreshAt"/> value for a token that lives <paramref name="seconds"/> from <paramref name="now"/>.</summary>
    public static AuthenticationToken RefreshAtToken(DateTimeOffset now, long seconds)
    {
        var lifetime = TimeSpan.FromSeconds(seconds);
        return new AuthenticationToken { Name = RefreshAt, Value = (now + lifetime - RefreshMargin(lifetime)).ToString("o", CultureInfo.InvariantCulture) };
    }

    public static AgilePlannerSessionTokens? Read(AuthenticationProperties properties)
    {
        var access = properties.GetTokenValue(AccessToken);
        if (string.IsNullOrEmpty(access))
        {
            return null;
        }

        DateTimeOffset? expiresAt = DateTimeOffset.TryParse(
            properties.GetTokenValue(ExpiresAt), CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out var parsed) ? parsed : null;
        var scopes = (properties.GetTokenValue(Scope) ?? string.Empty).Split(' ', StringSplitOptions.RemoveEmptyEntries);
        DateTimeOffset? refreshAt = DateTimeOffset.TryParse(
            properties.GetTokenValue(RefreshAt), CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out var due) ? due : expiresAt - UnknownLifetimeMargin;
        return new AgilePlannerSessionTokens(access, properties.GetTokenValue(RefreshToken), expiresAt, scopes) { RefreshAt = refreshAt };
    }

    public static IEnumerable<AuthenticationToken> ToAuthenticationTokens(TokenSet tokens, string grantedScopes, DateTimeOffset now)
    {
        yield return new AuthenticationToken { Name = AccessToken, Value = tokens.AccessToken };
        if (tokens.RefreshToken is not null)
        {
            yield return new AuthenticationToken { Name = RefreshToken, Value = tokens.RefreshToken };
        }
        yield return new AuthenticationToken { Name = TokenType, Value = tokens.TokenType };
        if (tokens.ExpiresIn is { } seconds)
        {
            yield return new AuthenticationToken { Name = ExpiresAt, Value = now.AddSeconds(seconds).ToString("o", CultureInfo.InvariantCulture) };
            yield return RefreshAtToken(now, seconds);
        }
        yield return new AuthenticationToken { Name = Scope, Value = grantedScopes };
    }
}
