using System.Globalization;
using AgilePlanner.WebApp.Authentication;
using Microsoft.AspNetCore.Authentication;

namespace AgilePlanner.WebApp.Session;

/// <summary>The tokens a signed-in session holds, read from (and written to) its encrypted cookie.</summary>
public sealed record SessionTokens(string AccessToken, string? RefreshToken, DateTimeOffset? ExpiresAt, IReadOnlyList<string> Scopes)
{
    public bool HasScope(string scope) => Scopes.Contains(scope, StringComparer.Ordinal);

    public bool ExpiresWithin(TimeSpan margin, DateTimeOffset now) => ExpiresAt is { } expires && expires - now <= margin;

    public static SessionTokens? From(AuthenticationProperties properties)
    {
        var access = properties.GetTokenValue(SessionTokenNames.AccessToken);
        if (string.IsNullOrEmpty(access))
        {
            return null;
        }

        DateTimeOffset? expiresAt = DateTimeOffset.TryParse(
            properties.GetTokenValue(SessionTokenNames.ExpiresAt), CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out var parsed) ? parsed : null;
        var scopes = (properties.GetTokenValue(SessionTokenNames.Scope) ?? string.Empty)
            .Split(' ', StringSplitOptions.RemoveEmptyEntries);
        return new SessionTokens(access, properties.GetTokenValue(SessionTokenNames.RefreshToken), expiresAt, scopes);
    }
}

/// <summary>Names of the tokens kept in the session's <see cref="AuthenticationProperties"/>.</summary>
public static class SessionTokenNames
{
    public const string AccessToken = "access_token";
    public const string RefreshToken = "refresh_token";
    public const string TokenType = "token_type";
    public const string ExpiresAt = "expires_at";
    public const string Scope = "scope";

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
        }
        yield return new AuthenticationToken { Name = Scope, Value = grantedScopes };
    }
}
