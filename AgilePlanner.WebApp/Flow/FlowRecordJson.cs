using System.Text.Json;

namespace AgilePlanner.WebApp.Flow;

/// <summary>How the flow record stores write steps and read them back: one set of JSON options, and an unreadable entry logged and skipped.</summary>
internal static partial class FlowRecordJson
{
    private static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web);

    public static byte[] Serialize<T>(T value) => JsonSerializer.SerializeToUtf8Bytes(value, Options);

    /// <summary>The value, or null (with a warning in <paramref name="logger"/>) when the bytes are not one.</summary>
    public static T? Deserialize<T>(byte[] bytes, ILogger logger)
        where T : class
    {
        try
        {
            return JsonSerializer.Deserialize<T>(bytes, Options);
        }
        catch (JsonException exception)
        {
            LogUnreadable(logger, exception);
            return null;
        }
    }

    /// <summary>Logs a record that could not be read at all (for what is not JSON).</summary>
    public static void LogUnreadable(ILogger logger) => LogUnreadable(logger, null);

    [LoggerMessage(Level = LogLevel.Warning, Message = "A flow record could not be read and was ignored")]
    private static partial void LogUnreadable(ILogger logger, Exception? exception);
}
