namespace AgilePlanner.Api;

/// <summary>Where Agile Planner's API is, and how the client treats it.</summary>
public sealed class AgilePlannerApiOptions
{
    /// <summary>
    /// The API's base address, such as <c>https://api.agileplanner.example/v1/</c> (a missing final slash is added).
    /// Required, unless an integration such as AgilePlanner.AspNetCore provides it.
    /// </summary>
    public Uri? BaseAddress { get; set; }

    /// <summary>How many items a page asks for (the contract allows 1 to 100).</summary>
    public int PageSize { get; set; } = 25;

    /// <summary>The whole call, retries included, gives up after this long.</summary>
    public TimeSpan TotalTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>One attempt gives up after this long.</summary>
    public TimeSpan AttemptTimeout { get; set; } = TimeSpan.FromSeconds(4);
}
