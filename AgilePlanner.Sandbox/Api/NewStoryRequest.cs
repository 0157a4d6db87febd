namespace AgilePlanner.Sandbox.Api;

/// <summary>The body of <c>POST /projects/{id}/stories</c>.</summary>
internal sealed record NewStoryRequest(string? Title, string? Type, int? Points);
