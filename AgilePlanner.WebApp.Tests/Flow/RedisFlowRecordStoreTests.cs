using AgilePlanner.WebApp.Flow;
using AgilePlanner.WebApp.Hosting;
using AgilePlanner.WebApp.Tests.Infrastructure.RealServers;
using Microsoft.Extensions.Logging.Abstractions;
using StackExchange.Redis;

namespace AgilePlanner.WebApp.Tests.Flow;

/// <summary>
/// The flow records as several instances keep them: in a real <c>redis-server</c> on a free loopback port, each instance
/// with its own connection and recorder, as two processes behind a balancer have.
/// </summary>
public sealed class RedisFlowRecordStoreTests : IAsyncLifetime
{
    private RedisServer _redis = null!;
    private readonly List<RedisConnection> _connections = [];
    private RedisConnection? _inspector;

    public async ValueTask InitializeAsync() => _redis = await RedisServer.StartNewAsync();

    public async ValueTask DisposeAsync()
    {
        _connections.ForEach(connection => connection.Dispose());
        if (_redis is not null)
        {
            await _redis.DisposeAsync();
        }
    }

    [Fact]
    public async Task Two_instances_appending_to_one_browsers_record_at_once_lose_no_step()
    {
        var one = Instance(new FlowInspectorOptions { MaxSteps = 100 });
        var two = Instance(new FlowInspectorOptions { MaxSteps = 100 }, one.Time);
        var cookie = await one.StartAsync(FlowTestContext.Step(FlowStepKind.Authorize, "authorize"));

        await Task.WhenAll(Enumerable.Range(1, 40).Select(i => Task.Run(
            () => (i % 2 == 0 ? one : two).Recorder.AppendAsync(FlowTestContext.Request(cookie), FlowTestContext.Step(FlowStepKind.ApiCall, $"call {i}")),
            TestContext.Current.CancellationToken)));

        var seenByOne = (await one.Recorder.GetAsync(FlowTestContext.Request(cookie)))!;
        var seenByTwo = (await two.Recorder.GetAsync(FlowTestContext.Request(cookie)))!;
        Assert.Equal(41, seenByOne.Steps.Count);
        Assert.Equal("authorize", seenByOne.Steps[0].Title);
        Assert.Equal(Enumerable.Range(1, 40).Select(i => $"call {i}").Order(), seenByOne.Steps.Skip(1).Select(s => s.Title).Order());
        Assert.Equal(seenByOne.Steps.Select(s => s.Title), seenByTwo.Steps.Select(s => s.Title));
        Assert.Equal(0, seenByOne.DroppedSteps);
    }

    [Fact]
    public async Task Past_the_step_limit_the_oldest_api_calls_give_way_across_instances_and_the_connection_stays()
    {
        var one = Instance(new FlowInspectorOptions { MaxSteps = 6 });
        var two = Instance(new FlowInspectorOptions { MaxSteps = 6 }, one.Time);
        var cookie = await one.StartAsync(FlowTestContext.Step(FlowStepKind.Authorize, "authorize"));
        await two.Recorder.AppendAsync(FlowTestContext.Request(cookie), FlowTestContext.ConnectionSteps());

        for (var i = 1; i <= 5; i++)
        {
            await (i % 2 == 0 ? one : two).Recorder.AppendAsync(FlowTestContext.Request(cookie), FlowTestContext.Step(FlowStepKind.ApiCall, $"call {i}"));
        }

        var record = (await one.Recorder.GetAsync(FlowTestContext.Request(cookie)))!;
        Assert.Equal(["authorize", "callback", "token request", "token response", "call 4", "call 5"], record.Steps.Select(s => s.Title));
        Assert.Equal(3, record.DroppedSteps);
        Assert.Equal(6, await Database.HashLengthAsync(StepsKeyOf(cookie)));
    }

    [Fact]
    public async Task With_no_api_call_to_drop_the_oldest_step_after_the_first_gives_way_and_a_step_dropped_as_it_comes_is_never_written()
    {
        var flow = Instance(new FlowInspectorOptions { MaxSteps = 5 });
        var cookie = await flow.StartAsync(FlowTestContext.Step(FlowStepKind.Authorize, "authorize"));
        await flow.Recorder.AppendAsync(FlowTestContext.Request(cookie),
            Enumerable.Range(1, 6).Select(i => FlowTestContext.Step(FlowStepKind.Refresh, $"refresh {i}")).ToArray());
        await flow.Recorder.AppendAsync(FlowTestContext.Request(cookie),
            Enumerable.Range(1, 7).Select(i => FlowTestContext.Step(FlowStepKind.ApiCall, $"call {i}")).ToArray());

        var record = (await flow.Recorder.GetAsync(FlowTestContext.Request(cookie)))!;
        // The refreshes, with no API call before them, gave way from the second step on; the calls, each an API call, all did.
        Assert.Equal(["authorize", "refresh 3", "refresh 4", "refresh 5", "refresh 6"], record.Steps.Select(s => s.Title));
        Assert.Equal(9, record.DroppedSteps);
        Assert.Equal(5, await Database.HashLengthAsync(StepsKeyOf(cookie)));
        Assert.Equal(5, await Database.ListLengthAsync(EntriesKeyOf(cookie)));
    }

    [Fact]
    public async Task The_record_keeps_its_start_and_challenge_and_is_gone_for_every_instance_when_its_lifetime_ends()
    {
        var one = Instance(new FlowInspectorOptions());
        var two = Instance(new FlowInspectorOptions(), one.Time);
        var started = one.Time.GetUtcNow();
        var context = FlowTestContext.Request();
        await one.Recorder.StartAsync(context, FlowTestContext.Step(FlowStepKind.Authorize, "authorize"), "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM");
        var cookie = FlowTestContext.CookieSetBy(context);

        var record = (await two.Recorder.GetAsync(FlowTestContext.Request(cookie)))!;
        Assert.Equal(started, record.StartedAt);
        Assert.Equal("E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM", record.CodeChallenge);
        // Redis forgets it by itself too, when the app is not there to: each key lives as long as the record has left.
        var ttl = await Database.KeyTimeToLiveAsync(MetaKeyOf(cookie));
        Assert.InRange(ttl!.Value, TimeSpan.FromMinutes(29), TimeSpan.FromMinutes(30));

        one.Time.Advance(TimeSpan.FromMinutes(29));
        Assert.True(await two.Recorder.AppendAsync(FlowTestContext.Request(cookie), FlowTestContext.Step(FlowStepKind.ApiCall)));
        Assert.InRange((await Database.KeyTimeToLiveAsync(EntriesKeyOf(cookie)))!.Value, TimeSpan.FromSeconds(50), TimeSpan.FromMinutes(1));

        one.Time.Advance(TimeSpan.FromMinutes(1));
        Assert.False(await one.Recorder.AppendAsync(FlowTestContext.Request(cookie), FlowTestContext.Step(FlowStepKind.ApiCall)));
        Assert.Null(await two.Recorder.GetAsync(FlowTestContext.Request(cookie)));
        Assert.False(await Database.KeyExistsAsync(MetaKeyOf(cookie)));
        Assert.False(await Database.KeyExistsAsync(StepsKeyOf(cookie)));
    }

    [Fact]
    public async Task Clearing_on_one_instance_forgets_the_record_on_every_instance_and_a_record_without_a_challenge_reads_as_none()
    {
        var one = Instance(new FlowInspectorOptions());
        var two = Instance(new FlowInspectorOptions(), one.Time);
        var cookie = await one.StartAsync();
        Assert.Null((await two.Recorder.GetAsync(FlowTestContext.Request(cookie)))!.CodeChallenge);

        await two.Recorder.ClearAsync(FlowTestContext.Request(cookie));

        Assert.Null(await one.Recorder.GetAsync(FlowTestContext.Request(cookie)));
        Assert.False(await one.Recorder.AppendAsync(FlowTestContext.Request(cookie), FlowTestContext.Step(FlowStepKind.ApiCall)));
        foreach (var key in new[] { MetaKeyOf(cookie), EntriesKeyOf(cookie), StepsKeyOf(cookie) })
        {
            Assert.False(await Database.KeyExistsAsync(key));
        }
    }

    [Fact]
    public async Task A_step_that_cannot_be_read_is_left_out_and_the_rest_of_the_record_still_shows()
    {
        var flow = Instance(new FlowInspectorOptions());
        var cookie = await flow.StartAsync(FlowTestContext.Step(FlowStepKind.Authorize, "authorize"));
        await flow.Recorder.AppendAsync(FlowTestContext.Request(cookie), FlowTestContext.Step(FlowStepKind.Callback, "callback"));
        await Database.HashSetAsync(StepsKeyOf(cookie), "0", "{not json");

        var record = (await flow.Recorder.GetAsync(FlowTestContext.Request(cookie)))!;

        Assert.Equal(["callback"], record.Steps.Select(s => s.Title));
    }

    // The test's own look into Redis, apart from the instances' connections.
    private IDatabase Database => (_inspector ??= Connection()).Database;

    private FlowTestContext Instance(FlowInspectorOptions options, Microsoft.Extensions.Time.Testing.FakeTimeProvider? time = null) =>
        new(new RedisFlowRecordStore(Connection(), NullLogger<RedisFlowRecordStore>.Instance), options, time);

    private RedisConnection Connection()
    {
        var connection = new RedisConnection(_redis.ConnectionString);
        _connections.Add(connection);
        // Connected before use, as a running instance is (its Data Protection keys are read at start): the first command
        // would otherwise connect synchronously, inside whichever of the test's concurrent appends came first.
        connection.Database.Ping();
        return connection;
    }

    // The keys as the store names them: the record id's SHA-256, never the id itself.
    private static string RecordKeyOf(string cookie)
    {
        var id = cookie[(cookie.IndexOf('=') + 1)..];
        return "AgilePlanner:{flow:" + Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.ASCII.GetBytes(id))) + "}";
    }

    private static string MetaKeyOf(string cookie) => RecordKeyOf(cookie) + ":meta";

    private static string EntriesKeyOf(string cookie) => RecordKeyOf(cookie) + ":entries";

    private static string StepsKeyOf(string cookie) => RecordKeyOf(cookie) + ":steps";
}
