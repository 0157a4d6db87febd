namespace AgilePlanner.AspNetCore;

/// <summary>The scheme whose session <see cref="AgilePlannerSession"/> and the API client's tokens use: the first one added.</summary>
internal sealed record AgilePlannerScheme(string Name);
