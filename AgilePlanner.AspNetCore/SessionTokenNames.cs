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
        return new AgilePlannerSessionTokens(access, properties.GetTokenValue(RefreshToken), expiresAt, scopes);
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
        }
        yield return new AuthenticationToken { Name = Scope, Value = grantedScopes };
    }
}
