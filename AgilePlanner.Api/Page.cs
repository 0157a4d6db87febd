namespace AgilePlanner.Api;

/// <summary>One page of a list, as the API sends it: <c>{"items":[...],"nextCursor":null|"..."}</c>.</summary>
/// <typeparam name="T">The listed model.</typeparam>
/// <param name="Items">The items of this page.</param>
/// <param name="NextCursor">The cursor of the next page, or null on the last one.</param>
public sealed record Page<T>(IReadOnlyList<T> Items, string? NextCursor);
