namespace AgilePlanner.WebApp.Connect;

/// <summary>The app's own events about a connection ending; the provider's flow is logged by AgilePlanner.AspNetCore.</summary>
public static partial class ConnectionLog
{
    [LoggerMessage(1015, LogLevel.Warning, "Agile Planner no longer accepts this connection; the session is cleared")]
    public static partial void ConnectionRevoked(ILogger logger);

    [LoggerMessage(1016, LogLevel.Information, "Disconnected: session cleared (tokens revoked at the provider: {Revoked})")]
    public static partial void Disconnected(ILogger logger, bool revoked);

    [LoggerMessage(1017, LogLevel.Information, "Session ended: {Reason}")]
    public static partial void SessionEnded(ILogger logger, string reason);
}
