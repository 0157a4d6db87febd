using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace AgilePlanner.Api;

/// <summary>Ids may be numbers or strings depending on the server; the client treats them as opaque text.</summary>
internal sealed class IdConverter : JsonConverter<string>
{
    public override string Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) => reader.TokenType switch
    {
        JsonTokenType.String => reader.GetString()!,
        JsonTokenType.Number => reader.TryGetInt64(out var number) ? number.ToString(CultureInfo.InvariantCulture) : reader.GetDouble().ToString(CultureInfo.InvariantCulture),
        _ => throw new JsonException("An id must be a string or a number."),
    };

    public override void Write(Utf8JsonWriter writer, string value, JsonSerializerOptions options) => writer.WriteStringValue(value);
}
