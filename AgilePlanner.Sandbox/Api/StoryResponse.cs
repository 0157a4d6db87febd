using AgilePlanner.Sandbox.Planning;

namespace AgilePlanner.Sandbox.Api;

internal sealed record StoryResponse(
    int Id, string Title, string Type, string State, int? Points, string? OwnerName, IReadOnlyList<string> Labels, DateTime UpdatedAt)
{
    public static StoryResponse From(Story story) => new(
        story.Id, story.Title, Wire(story.Type), Wire(story.State), story.Points, story.OwnerName, story.Labels, story.UpdatedAt);

    public static string Wire<TEnum>(TEnum value) where TEnum : struct, Enum =>
        value.ToString().ToLowerInvariant();
}
