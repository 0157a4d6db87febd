using System.Text.Json.Serialization;

namespace AgilePlanner.Api;

/// <summary>A story of a project (<c>GET /projects/{id}/stories</c>).</summary>
/// <param name="Id">The story's id, as opaque text.</param>
/// <param name="Title">The story's title.</param>
/// <param name="Type">The contract's type: <c>feature</c>, <c>bug</c> or <c>chore</c>.</param>
/// <param name="State">The contract's state, such as <c>unstarted</c>, <c>started</c> or <c>accepted</c>.</param>
/// <param name="Points">The story's estimate, when it has one.</param>
/// <param name="OwnerName">Who owns the story, when someone does.</param>
/// <param name="Labels">The story's labels.</param>
/// <param name="UpdatedAt">When the story last changed.</param>
public sealed record Story(
    [property: JsonConverter(typeof(IdConverter))] string Id, string Title, string Type, string State, double? Points, string? OwnerName,
    IReadOnlyList<string>? Labels, DateTimeOffset? UpdatedAt);
