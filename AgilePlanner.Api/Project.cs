using System.Text.Json;
using System.Text.Json.Serialization;

namespace AgilePlanner.Api;

/// <summary>A project the user can see (<c>GET /projects</c>, <c>GET /projects/{id}</c>).</summary>
/// <param name="Id">The project's id, as opaque text.</param>
/// <param name="Name">The project's name.</param>
/// <param name="Description">The project's description, when it has one.</param>
/// <param name="Velocity">Points completed per iteration, averaged.</param>
/// <param name="CurrentIteration">The current iteration as the server sends it (a number or an object), when there is one.</param>
/// <param name="MemberCount">How many people are members.</param>
/// <param name="UpdatedAt">When the project last changed.</param>
public sealed record Project(
    [property: JsonConverter(typeof(IdConverter))] string Id, string Name, string? Description, double? Velocity,
    JsonElement? CurrentIteration, int? MemberCount, DateTimeOffset? UpdatedAt);
