using StackExchange.Redis;

namespace AgilePlanner.WebApp.Hosting;

/// <summary>
/// The one connection to Redis (<c>ConnectionStrings:Redis</c>, a StackExchange.Redis configuration string) that the Data
/// Protection keys, the distributed cache and the readiness check share. It never fails the start: while Redis is down it
/// keeps reconnecting in the background, and commands fail at once (so a page can say so) instead of queueing.
/// </summary>
public sealed class RedisConnection : IDisposable
{
    public const string ConnectionStringName = "Redis";

    private readonly Lazy<ConnectionMultiplexer> _multiplexer;

    public RedisConnection(string configuration)
    {
        var options = ConfigurationOptions.Parse(configuration);
        options.AbortOnConnectFail = false;
        options.BacklogPolicy = BacklogPolicy.FailFast;
        options.ConnectTimeout = Math.Min(options.ConnectTimeout, 2000);
        options.SyncTimeout = Math.Min(options.SyncTimeout, 2000);
        options.AsyncTimeout = Math.Min(options.AsyncTimeout, 2000);
        _multiplexer = new Lazy<ConnectionMultiplexer>(() => ConnectionMultiplexer.Connect(options));
    }

    public IConnectionMultiplexer Multiplexer => _multiplexer.Value;

    public IDatabase Database => Multiplexer.GetDatabase();

    /// <summary>The configured connection string, or null when the app keeps everything in its own process.</summary>
    public static string? Configured(IConfiguration configuration) =>
        configuration.GetConnectionString(ConnectionStringName) is { Length: > 0 } value && !string.IsNullOrWhiteSpace(value) ? value : null;

    /// <summary>Whether the exception, or one it wraps, says Redis could not be reached.</summary>
    public static bool IsOutage(Exception exception)
    {
        for (Exception? current = exception; current is not null; current = current.InnerException)
        {
            if (current is RedisConnectionException or RedisTimeoutException)
            {
                return true;
            }
        }
        return false;
    }

    public void Dispose()
    {
        if (_multiplexer.IsValueCreated)
        {
            _multiplexer.Value.Dispose();
        }
    }
}
