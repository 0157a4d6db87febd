using System.Text.Json;
using System.Text.Json.Serialization;

namespace AgilePlanner.WebApp.Api;

/// <summary>The user behind the token (<c>GET /me</c>).</summary>
public sealed record Me(
    [property: JsonConverter(typeof(IdConverter))] string Id, string Name, string Email, string? Company, string? TimeZone, DateTimeOffset? CreatedAt);

public sealed record Project(
    [property: JsonConverter(typeof(IdConverter))] string Id, string Name, string? Description, double? Velocity,
    JsonElement? CurrentIteration, int? MemberCount, DateTimeOffset? UpdatedAt);

public sealed record Iteration(
    [property: JsonConverter(typeof(IdConverter))] string Id, int Number, string? Name, DateTimeOffset? Start, DateTimeOffset? Finish, string State, double? Points);

public sealed record Story(
    [property: JsonConverter(typeof(IdConverter))] string Id, string Title, string Type, string State, double? Points, string? OwnerName,
    IReadOnlyList<string>? Labels, DateTimeOffset? UpdatedAt);

/// <summary>A page of a list: <c>{"items":[...],"nextCursor":null|"..."}</c>.</summary>
public sealed record Page<T>(IReadOnlyList<T> Items, string? NextCursor);

/// <summary>What the "Add a story" form sends (<c>POST /projects/{id}/stories</c>).</summary>
public sealed record NewStory(string Title, string Type, int Points);

/// <summary>Ids may be numbers or strings depending on the server; the app treats them as opaque text.</summary>
public sealed class IdConverter : JsonConverter<string>
{
    public override string Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) => reader.TokenType switch
    {
        JsonTokenType.String => reader.GetString()!,
        JsonTokenType.Number => reader.TryGetInt64(out var number) ? number.ToString(System.Globalization.CultureInfo.InvariantCulture) : reader.GetDouble().ToString(System.Globalization.CultureInfo.InvariantCulture),
        _ => throw new JsonException("An id must be a string or a number."),
    };

    public override void Write(Utf8JsonWriter writer, string value, JsonSerializerOptions options) => writer.WriteStringValue(value);
}
