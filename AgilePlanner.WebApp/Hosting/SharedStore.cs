using AgilePlanner.Sandbox;
using AgilePlanner.WebApp.Flow;
using Medallion.Threading.Redis;
using Medallion.Threading;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.AspNetCore.DataProtection.StackExchangeRedis;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.Caching.StackExchangeRedis;

namespace AgilePlanner.WebApp.Hosting;

/// <summary>
/// What several instances of the app share when <c>ConnectionStrings:Redis</c> is set: the Data Protection keys (so a cookie
/// made by one instance opens on any other) and the distributed cache. Without it, one instance keeps both to itself: the keys
/// in its data directory, the cache in memory.
/// </summary>
public static class SharedStore
{
    /// <summary>How long the refresh lock outlives an instance that died holding it.</summary>
    public static readonly TimeSpan RefreshLockLease = TimeSpan.FromSeconds(10);

    /// <summary>The Redis key of the Data Protection key ring.</summary>
    public const string DataProtectionKey = "AgilePlanner:DataProtection-Keys";

    /// <summary>Data Protection keys in Redis when it is configured, otherwise in the data directory; one application name for all instances.</summary>
    public static WebApplicationBuilder AddPersistentDataProtection(this WebApplicationBuilder builder, string dataDirectory)
    {
        var dataProtection = builder.Services.AddDataProtection()
            .SetApplicationName(DataDirectory.DataProtectionApplicationName);
        if (AddRedisConnection(builder) is not null)
        {
            builder.Services.AddOptions<KeyManagementOptions>().Configure<RedisConnection>((options, redis) =>
                options.XmlRepository = new RedisXmlRepository(() => redis.Database, DataProtectionKey));
        }
        else
        {
            dataProtection.PersistKeysToFileSystem(new DirectoryInfo(Path.Combine(dataDirectory, "keys")));
        }

        // With the keys in Redis and the sandbox on PostgreSQL (or off), nothing lasting is in the data directory: no warning then.
        var sandbox = SandboxOptions.From(builder.Configuration);
        var sandboxInDataDirectory = sandbox.Enabled && sandbox.Database == SandboxDatabase.Sqlite;
        if (RedisConnection.Configured(builder.Configuration) is null || sandboxInDataDirectory)
        {
            builder.Services.AddHostedService(services => new DataDirectoryWarning(
                dataDirectory, services.GetRequiredService<ILogger<DataDirectoryWarning>>()));
        }
        return builder;
    }

    /// <summary>
    /// <see cref="Microsoft.Extensions.Caching.Distributed.IDistributedCache"/> on Redis when it is configured (registered
    /// ahead of the in-memory one, which then stays unused); in memory otherwise.
    /// </summary>
    public static WebApplicationBuilder AddSharedCache(this WebApplicationBuilder builder)
    {
        if (AddRedisConnection(builder) is not null)
        {
            builder.Services.AddStackExchangeRedisCache(_ => { });
            builder.Services.AddOptions<RedisCacheOptions>().Configure<RedisConnection>((options, redis) =>
            {
                options.InstanceName = "AgilePlanner:";
                options.ConnectionMultiplexerFactory = () => Task.FromResult(redis.Multiplexer);
            });

            // The flow records in Redis itself, not through the cache: an append is one atomic script, so two instances
            // adding to one browser's record at once both land.
            builder.Services.AddSingleton<IFlowRecordStore, RedisFlowRecordStore>();

            // One refresh of a session at a time across every instance (AgilePlanner.AspNetCore takes the lock provider it
            // finds): a lease of 10 s, renewed while the refresh runs, so an instance that dies holding it frees it by itself.
            builder.Services.AddSingleton<IDistributedLockProvider>(services => new RedisDistributedSynchronizationProvider(
                services.GetRequiredService<RedisConnection>().Database, options => options.Expiry(RefreshLockLease)));
        }
        return builder;
    }

    /// <summary>Redis unreachable: a 503 page that says so, never a 500; the next request tries again.</summary>
    public static WebApplication UseSharedStoreOutagePage(this WebApplication app)
    {
        if (RedisConnection.Configured(app.Configuration) is not null)
        {
            app.UseMiddleware<SharedStoreOutageMiddleware>();
        }
        return app;
    }

    private static RedisConnection? AddRedisConnection(WebApplicationBuilder builder)
    {
        if (RedisConnection.Configured(builder.Configuration) is not { } configuration)
        {
            return null;
        }
        var existing = builder.Services.FirstOrDefault(descriptor => descriptor.ServiceType == typeof(RedisConnection))?.ImplementationInstance;
        if (existing is RedisConnection connection)
        {
            return connection;
        }
        connection = new RedisConnection(configuration);
        builder.Services.AddSingleton(connection);
        return connection;
    }
}
