namespace AgilePlanner.Sandbox.Api;

/// <summary>A list answer: <c>{"items":[...],"nextCursor":null|"..."}</c>.</summary>
internal sealed record Page<T>(IReadOnlyList<T> Items, string? NextCursor);
