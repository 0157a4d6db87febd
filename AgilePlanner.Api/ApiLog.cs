using Microsoft.Extensions.Logging;

namespace AgilePlanner.Api;

/// <summary>The API client's log events: method, path and status, never a token.</summary>
internal static partial class ApiLog
{
    [LoggerMessage(1012, LogLevel.Warning, "API call {Method} {Path} failed with status {Status}")]
    public static partial void CallFailed(ILogger logger, string method, string path, int status);

    [LoggerMessage(1013, LogLevel.Warning, "API call {Method} {Path} could not be completed: {Reason}")]
    public static partial void Unavailable(ILogger logger, string method, string path, string reason);

    [LoggerMessage(1014, LogLevel.Information, "The API refused the access token; refreshing once and retrying {Method} {Path}")]
    public static partial void RetryAfterRefresh(ILogger logger, string method, string path);

    [LoggerMessage(1015, LogLevel.Warning, "The response cache's distributed store could not be reached ({Reason}); calling the API instead")]
    public static partial void CacheUnavailable(ILogger logger, string reason);
}
