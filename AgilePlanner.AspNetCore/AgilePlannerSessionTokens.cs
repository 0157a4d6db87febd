namespace AgilePlanner.AspNetCore;

/// <summary>The tokens a signed-in session holds, as saved in its authentication properties (<c>SaveTokens</c>).</summary>
/// <param name="AccessToken">The access token.</param>
/// <param name="RefreshToken">The refresh token, when the provider gave one.</param>
/// <param name="ExpiresAt">When the access token expires, when the provider said.</param>
/// <param name="Scopes">The scopes granted.</param>
public sealed record AgilePlannerSessionTokens(string AccessToken, string? RefreshToken, DateTimeOffset? ExpiresAt, IReadOnlyList<string> Scopes)
{
    /// <summary>Whether <paramref name="scope"/> was granted.</summary>
    /// <param name="scope">A scope name, such as <c>write</c>.</param>
    /// <returns>True when granted.</returns>
    public bool HasScope(string scope) => Scopes.Contains(scope, StringComparer.Ordinal);

    /// <summary>Whether the access token expires within <paramref name="margin"/> of <paramref name="now"/> (never, without an expiry).</summary>
    /// <param name="margin">How far ahead to look.</param>
    /// <param name="now">The current time.</param>
    /// <returns>True when it expires within the margin, or has expired.</returns>
    public bool ExpiresWithin(TimeSpan margin, DateTimeOffset now) => ExpiresAt is { } expires && expires - now <= margin;

    /// <summary>When the access token is refreshed ahead of its expiry (<see cref="SessionTokenNames.RefreshMargin"/>); null without an expiry.</summary>
    internal DateTimeOffset? RefreshAt { get; init; }

    /// <summary>Whether the access token is due for a refresh at <paramref name="now"/>.</summary>
    internal bool DueForRefresh(DateTimeOffset now) => RefreshAt is { } due && due <= now;
}
