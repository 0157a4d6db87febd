namespace AgilePlanner.WebApp.Tests.Infrastructure.RealServers;

/// <summary>
/// N instances of the web app behind HAProxy, sharing PostgreSQL (the sandbox's database) and, unless told otherwise, Redis
/// (Data Protection keys, the distributed cache). Every server is on a free loopback port in a temp folder and is stopped on
/// disposal, whatever the test did. The browser reaches the app at <see cref="HaproxyBalancer.AppUrl"/> and the sandbox, as the
/// provider's own site, at <see cref="HaproxyBalancer.ProviderUrl"/>: both through the balancer.
/// </summary>
public sealed class ScaleTopology : IAsyncDisposable
{
    private ScaleTopology(PostgreSqlServer postgres, RedisServer? redis, string database)
    {
        Postgres = postgres;
        Redis = redis;
        Database = database;
    }

    public PostgreSqlServer Postgres { get; }

    public RedisServer? Redis { get; }

    /// <summary>The sandbox's database on <see cref="Postgres"/>.</summary>
    public string Database { get; }

    public HaproxyBalancer Balancer { get; private set; } = null!;

    public IReadOnlyList<AppInstance> Instances { get; private set; } = [];

    /// <summary>Starts PostgreSQL, Redis (when <paramref name="withRedis"/>), the balancer and <paramref name="count"/> instances at once.</summary>
    public static async Task<ScaleTopology> StartAsync(int count, bool withRedis = true, IReadOnlyDictionary<string, string>? extraSettings = null)
    {
        // Checked first, so a machine without them skips before anything starts.
        ServerBinaries.Require(ServerBinaries.Haproxy, "haproxy");
        ServerBinaries.Require(ServerBinaries.RedisServer, "redis-server");
        var postgres = await PostgreSqlServer.StartNewAsync();
        RedisServer? redis = null;
        ScaleTopology? topology = null;
        try
        {
            redis = withRedis ? await RedisServer.StartNewAsync() : null;
            var database = "sandbox_" + Guid.NewGuid().ToString("N")[..8];
            var connectionString = await postgres.CreateDatabaseAsync(database);
            topology = new ScaleTopology(postgres, redis, database);

            // The balancer first, so that it names the instances' ports and is there when their readiness asks the provider.
            var ports = Enumerable.Range(0, count).Select(_ => LoopbackPorts.Free()).ToList();
            topology.Balancer = await HaproxyBalancer.StartNewAsync(ports);
            var settings = Settings(topology.Balancer, connectionString, redis, extraSettings);
            topology.Instances = [.. ports.Select((port, i) => new AppInstance(HaproxyBalancer.InstanceName(i), port, settings))];
            await topology.StartAllAsync();
            return topology;
        }
        catch
        {
            if (topology is not null)
            {
                await topology.DisposeAsync();
            }
            else
            {
                if (redis is not null)
                {
                    await redis.DisposeAsync();
                }
                await postgres.DisposeAsync();
            }
            throw;
        }
    }

    /// <summary>Starts every instance at the same moment and waits until each is ready.</summary>
    public async Task StartAllAsync()
    {
        foreach (var instance in Instances)
        {
            instance.Start();
        }
        await Task.WhenAll(Instances.Select(instance => instance.WhenReadyAsync()));
        await WhenBalancedAsync();
    }

    /// <summary>Until the balancer's health checks have seen every instance up: each answers there when pinned.</summary>
    private async Task WhenBalancedAsync()
    {
        using var client = new HttpClient { BaseAddress = Balancer.AppUrl, Timeout = TimeSpan.FromSeconds(5) };
        foreach (var instance in Instances)
        {
            await RedisServer.WaitUntilAsync(() =>
            {
                using var request = new HttpRequestMessage(HttpMethod.Get, "healthz");
                request.Headers.Add(HaproxyBalancer.PinHeader, instance.Name);
                using var response = client.Send(request, TestContext.Current.CancellationToken);
                return response.IsSuccessStatusCode
                    && response.Headers.TryGetValues(HaproxyBalancer.ServedByHeader, out var servedBy) && servedBy.Single() == instance.Name;
            }, $"the balancer to send requests to {instance.Name}");
        }
    }

    public async Task StopAllAsync() => await Task.WhenAll(Instances.Select(instance => instance.StopAsync()));

    /// <summary>What a failing test prints: the last lines of every server.</summary>
    public string Tails() => string.Join('\n', Instances.Select(instance => instance.Tail(25))
        .Append(Balancer?.Tail() ?? "").Append(Redis?.Tail() ?? "").Append(Postgres.Tail()));

    public async ValueTask DisposeAsync()
    {
        TestContext.Current.TestOutputHelper?.WriteLine(Tails());
        foreach (var instance in Instances)
        {
            await instance.DisposeAsync();
        }
        if (Balancer is not null)
        {
            await Balancer.DisposeAsync();
        }
        if (Redis is not null)
        {
            await Redis.DisposeAsync();
        }
        await Postgres.DisposeAsync();
    }

    private static Dictionary<string, string> Settings(HaproxyBalancer balancer, string database, RedisServer? redis, IReadOnlyDictionary<string, string>? extra)
    {
        var provider = balancer.ProviderUrl;
        var settings = new Dictionary<string, string>
        {
            ["Sandbox__Database"] = "PostgreSQL",
            ["ConnectionStrings__Sandbox"] = database,
            // Every provider endpoint on the provider's site, through the balancer: any instance may answer.
            ["AgilePlanner__AuthorizationEndpoint"] = new Uri(provider, "oauth/authorize").ToString(),
            ["AgilePlanner__TokenEndpoint"] = new Uri(provider, "oauth/token").ToString(),
            ["AgilePlanner__RevocationEndpoint"] = new Uri(provider, "oauth/revoke").ToString(),
            ["AgilePlanner__ApiBaseUrl"] = new Uri(provider, "api/v1/").ToString(),
            ["AgilePlanner__Issuer"] = provider.ToString(),
        };
        if (redis is not null)
        {
            settings["ConnectionStrings__Redis"] = redis.ConnectionString;
        }
        foreach (var (key, value) in extra ?? new Dictionary<string, string>())
        {
            settings[key] = value;
        }
        return settings;
    }
}
