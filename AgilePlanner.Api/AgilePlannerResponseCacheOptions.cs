namespace AgilePlanner.Api;

/// <summary>How long <see cref="AgilePlannerResponseCache"/> keeps the API's answers.</summary>
public sealed class AgilePlannerResponseCacheOptions
{
    /// <summary>
    /// How long an answer is used without asking again when the API says nothing (its <c>Cache-Control</c> can only make it
    /// shorter). Zero asks every time, revalidating by ETag.
    /// </summary>
    public TimeSpan MaxAge { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>The most bytes of answers kept, for all users together.</summary>
    public long SizeLimit { get; set; } = 32 * 1024 * 1024;
}
