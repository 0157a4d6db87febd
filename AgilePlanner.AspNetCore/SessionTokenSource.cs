using AgilePlanner.Api;
using Microsoft.AspNetCore.Http;

namespace AgilePlanner.AspNetCore;

/// <summary>
/// The API client's tokens in an ASP.NET Core app: the signed-in user's, from <see cref="AgilePlannerSession"/>. Refreshed shortly
/// before they expire (a tenth of their lifetime, at most a minute) and once after a 401 (never twice in one request), the rotated tokens written back to the session.
/// </summary>
internal sealed class SessionTokenSource(AgilePlannerSession session, TokenRefresher refresher, TimeProvider time, IHttpContextAccessor httpContextAccessor)
    : IAgilePlannerTokenSource
{
    /// <summary>The access token this request obtained by a refresh: a 401 for it is not refreshed again.</summary>
    private static readonly object RefreshedKey = new();

    private HttpContext Context => httpContextAccessor.HttpContext
        ?? throw new InvalidOperationException("The signed-in user's tokens are only available while handling a request.");

    public async ValueTask<string?> GetAccessTokenAsync(CancellationToken cancellationToken)
    {
        var tokens = await session.GetTokensAsync();
        if (tokens is null)
        {
            return null;
        }

        var now = time.GetUtcNow();
        if (tokens.RefreshToken is not null && tokens.DueForRefresh(now))
        {
            tokens = await RefreshAsync(tokens, stillUsable: !tokens.ExpiresWithin(TimeSpan.Zero, now), cancellationToken);
        }
        return tokens.AccessToken;
    }

    public async ValueTask<string?> RefreshAccessTokenAsync(string rejectedAccessToken, CancellationToken cancellationToken)
    {
        var tokens = await session.GetTokensAsync();
        if (tokens?.RefreshToken is null || (Context.Items.TryGetValue(RefreshedKey, out var refreshed) && Equals(refreshed, rejectedAccessToken)))
        {
            return null;
        }
        return (await RefreshAsync(tokens, stillUsable: false, cancellationToken)).AccessToken;
    }

    private async Task<AgilePlannerSessionTokens> RefreshAsync(AgilePlannerSessionTokens tokens, bool stillUsable, CancellationToken cancellationToken)
    {
        var result = await refresher.RefreshAsync(Context, session.Options, tokens.RefreshToken!, cancellationToken);
        if (result.Succeeded)
        {
            var saved = await session.SaveAsync(result.Tokens!)
                ?? throw new AgilePlannerApiException(AgilePlannerApiFailure.NotConnected, "The session ended during the refresh.");
            Context.Items[RefreshedKey] = saved.AccessToken;
            return saved;
        }

        if (result.ConnectionRefused)
        {
            throw new AgilePlannerApiException(AgilePlannerApiFailure.AccessRevoked, "The provider refused the refresh token.");
        }

        // A provider that is briefly down should not end a session whose token still works.
        return stillUsable ? tokens : throw new AgilePlannerApiException(AgilePlannerApiFailure.Unavailable, "The token could not be refreshed.");
    }
}
