using System.Text.Json;

namespace AgilePlanner.Sandbox.Api;

/// <summary>The API's JSON: camelCase, UTC timestamps in ISO 8601.</summary>
internal static class ApiJson
{
    public static JsonSerializerOptions Options { get; } = new(JsonSerializerDefaults.Web);
}
