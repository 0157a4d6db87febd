namespace AgilePlanner.Api;

/// <summary>
/// Where the API client gets its access token. An ASP.NET Core app signed in with AgilePlanner.AspNetCore has one already
/// (the signed-in user's session); a console app or a worker registers its own, such as <see cref="AgilePlannerTokenSource.FromDelegate"/>.
/// </summary>
public interface IAgilePlannerTokenSource
{
    /// <summary>The access token to send now, refreshed first if it is about to expire; null when there is none.</summary>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The token, or null for <see cref="AgilePlannerApiFailure.NotConnected"/>.</returns>
    ValueTask<string?> GetAccessTokenAsync(CancellationToken cancellationToken);

    /// <summary>After the API refused <paramref name="rejectedAccessToken"/> with a 401: a new token to retry once with, or null.</summary>
    /// <param name="rejectedAccessToken">The token the API refused.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>A different token, or null to give up with <see cref="AgilePlannerApiFailure.ConnectionExpired"/>.</returns>
    ValueTask<string?> RefreshAccessTokenAsync(string rejectedAccessToken, CancellationToken cancellationToken);
}
