namespace AgilePlanner.Api;

/// <summary>Token sources for apps that hold their tokens themselves.</summary>
public static class AgilePlannerTokenSource
{
    /// <summary>
    /// A token source over the caller's own function, called before each API call: it returns the token to use (refreshing it
    /// as it sees fit), and is called again with <c>forceRefresh</c> true after a 401.
    /// </summary>
    /// <param name="getAccessToken">Returns the access token, or null when there is none; its flag asks for a new token.</param>
    /// <returns>A source to register as <see cref="IAgilePlannerTokenSource"/>.</returns>
    public static IAgilePlannerTokenSource FromDelegate(Func<bool, CancellationToken, ValueTask<string?>> getAccessToken)
    {
        ArgumentNullException.ThrowIfNull(getAccessToken);
        return new DelegateTokenSource(getAccessToken);
    }

    private sealed class DelegateTokenSource(Func<bool, CancellationToken, ValueTask<string?>> getAccessToken) : IAgilePlannerTokenSource
    {
        public ValueTask<string?> GetAccessTokenAsync(CancellationToken cancellationToken) => getAccessToken(false, cancellationToken);

        public async ValueTask<string?> RefreshAccessTokenAsync(string rejectedAccessToken, CancellationToken cancellationToken)
        {
            var token = await getAccessToken(true, cancellationToken);
            return string.Equals(token, rejectedAccessToken, StringComparison.Ordinal) ? null : token;
        }
    }
}
