using AgilePlanner.Sandbox.Planning;

namespace AgilePlanner.Sandbox.Api;

internal sealed record MeResponse(string Id, string Name, string Email, string Company, string TimeZone, DateTime CreatedAt);

internal sealed record ProjectResponse(
    int Id, string Name, string Description, int Velocity, int? CurrentIteration, int MemberCount, DateTime UpdatedAt);

internal sealed record IterationResponse(int Id, int Number, string Name, DateTime Start, DateTime Finish, string State, int Points);

internal sealed record StoryResponse(
    int Id, string Title, string Type, string State, int? Points, string? OwnerName, IReadOnlyList<string> Labels, DateTime UpdatedAt)
{
    public static StoryResponse From(Story story) => new(
        story.Id, story.Title, Wire(story.Type), Wire(story.State), story.Points, story.OwnerName, story.Labels, story.UpdatedAt);

    public static string Wire<TEnum>(TEnum value) where TEnum : struct, Enum =>
        value.ToString().ToLowerInvariant();
}

/// <summary>The body of <c>POST /projects/{id}/stories</c>.</summary>
internal sealed record NewStoryRequest(string? Title, string? Type, int? Points);
