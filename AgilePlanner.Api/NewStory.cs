namespace AgilePlanner.Api;

/// <summary>A story to create (<c>POST /projects/{id}/stories</c>, scope <c>write</c>).</summary>
/// <param name="Title">The story's title.</param>
/// <param name="Type">The contract's type: <c>feature</c>, <c>bug</c> or <c>chore</c>.</param>
/// <param name="Points">The story's estimate.</param>
public sealed record NewStory(string Title, string Type, int Points);
