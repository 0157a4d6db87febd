using System.Diagnostics.CodeAnalysis;
using System.Text.Json.Serialization;

namespace AgilePlanner.Api;

/// <summary>The user behind the access token (<c>GET /me</c>).</summary>
/// <param name="Id">The user's id, kept as opaque text whether the server sends a number or a string.</param>
/// <param name="Name">The user's display name.</param>
/// <param name="Email">The user's email address.</param>
/// <param name="Company">The user's company, when they gave one.</param>
/// <param name="TimeZone">The user's IANA time zone, when known.</param>
/// <param name="CreatedAt">When the account was created.</param>
[SuppressMessage("Naming", "CA1716:Identifiers should not match keywords", Justification = "The contract's name for GET /me.")]
public sealed record Me(
    [property: JsonConverter(typeof(IdConverter))] string Id, string Name, string Email, string? Company, string? TimeZone, DateTimeOffset? CreatedAt);
