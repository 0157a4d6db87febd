using System.Text.Json.Serialization;

namespace AgilePlanner.Api;

/// <summary>An iteration of a project (<c>GET /projects/{id}/iterations</c>).</summary>
/// <param name="Id">The iteration's id, as opaque text.</param>
/// <param name="Number">The iteration's number within its project: what <c>iteration=</c> filters stories by.</param>
/// <param name="Name">The iteration's name, when it has one.</param>
/// <param name="Start">When the iteration starts.</param>
/// <param name="Finish">When the iteration ends.</param>
/// <param name="State">The contract's state: <c>done</c>, <c>current</c> or <c>planned</c>.</param>
/// <param name="Points">The points planned in the iteration.</param>
public sealed record Iteration(
    [property: JsonConverter(typeof(IdConverter))] string Id, int Number, string? Name, DateTimeOffset? Start, DateTimeOffset? Finish, string State, double? Points);
