using AgilePlanner.WebApp.Flow;
using Microsoft.Extensions.Caching.Distributed;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Net.Http.Headers;

namespace AgilePlanner.WebApp.Tests.Flow;

public sealed class FlowRecorderTests
{
    [Fact]
    public async Task A_new_record_is_named_by_an_httponly_lax_cookie_that_expires_with_it()
    {
        var flow = new FlowTestContext();
        var context = FlowTestContext.Request();

        await flow.Recorder.StartAsync(context, FlowTestContext.Step(FlowStepKind.Authorize));

        var cookie = SetCookieHeaderValue.Parse(context.Response.Headers.SetCookie.Single());
        Assert.Equal(FlowRecorder.CookieName, cookie.Name.Value);
        Assert.True(cookie.HttpOnly);
        Assert.Equal(Microsoft.Net.Http.Headers.SameSiteMode.Lax, cookie.SameSite);
        Assert.Equal("/", cookie.Path.Value);
        Assert.Equal(TimeSpan.FromMinutes(30), cookie.MaxAge);
        Assert.False(cookie.Secure);
        Assert.Equal(43, cookie.Value.Length);
    }

    [Fact]
    public async Task Over_https_the_cookie_is_secure_and_host_prefixed()
    {
        var flow = new FlowTestContext();
        var context = FlowTestContext.Request(https: true);

        await flow.Recorder.StartAsync(context, FlowTestContext.Step(FlowStepKind.Authorize));

        var cookie = SetCookieHeaderValue.Parse(context.Response.Headers.SetCookie.Single());
        Assert.Equal(FlowRecorder.SecureCookieName, cookie.Name.Value);
        Assert.True(cookie.Secure);
        Assert.NotNull(await flow.Recorder.GetAsync(FlowTestContext.Request(FlowTestContext.CookieSetBy(context), https: true)));
    }

    [Fact]
    public async Task Every_connection_gets_a_different_id()
    {
        var flow = new FlowTestContext();

        var ids = new HashSet<string>();
        for (var i = 0; i < 20; i++)
        {
            ids.Add(await flow.StartAsync());
        }

        Assert.Equal(20, ids.Count);
    }

    [Fact]
    public async Task The_browser_holding_the_id_gets_its_steps_back_in_order()
    {
        var flow = new FlowTestContext();
        var cookie = await flow.StartAsync(FlowTestContext.Step(FlowStepKind.Authorize, "first"));

        Assert.True(await flow.Recorder.AppendAsync(FlowTestContext.Request(cookie), FlowTestContext.Step(FlowStepKind.Callback, "second")));
        Assert.True(await flow.Recorder.AppendAsync(FlowTestContext.Request(cookie), FlowTestContext.Step(FlowStepKind.TokenRequest, "third"), FlowTestContext.Step(FlowStepKind.TokenResponse, "fourth")));

        var record = await flow.Recorder.GetAsync(FlowTestContext.Request(cookie));
        Assert.NotNull(record);
        Assert.Equal(["first", "second", "third", "fourth"], record.Steps.Select(s => s.Title));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("AgilePlanner.Flow=")]
    [InlineData("AgilePlanner.Flow=guess")]
    [InlineData("AgilePlanner.Flow=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")]
    [InlineData("AgilePlanner.Flow=../../etc/passwd")]
    public async Task Another_browser_sees_nothing_and_cannot_add_to_the_record(string? otherCookie)
    {
        var flow = new FlowTestContext();
        var cookie = await flow.StartAsync();

        var other = FlowTestContext.Request(otherCookie);

        Assert.Null(await flow.Recorder.GetAsync(other));
        Assert.False(await flow.Recorder.AppendAsync(other, FlowTestContext.Step(FlowStepKind.ApiCall)));
        Assert.Single((await flow.Recorder.GetAsync(FlowTestContext.Request(cookie)))!.Steps);
    }

    [Fact]
    public async Task A_new_connection_replaces_the_browsers_record()
    {
        var flow = new FlowTestContext();
        var first = await flow.StartAsync(FlowTestContext.Step(FlowStepKind.Authorize, "old"));
        await flow.Recorder.AppendAsync(FlowTestContext.Request(first), FlowTestContext.Step(FlowStepKind.ApiCall));

        var again = FlowTestContext.Request(first);
        await flow.Recorder.StartAsync(again, FlowTestContext.Step(FlowStepKind.Authorize, "new"));
        var second = FlowTestContext.CookieSetBy(again);

        Assert.NotEqual(first, second);
        Assert.Equal(["new"], (await flow.Recorder.GetAsync(FlowTestContext.Request(second)))!.Steps.Select(s => s.Title));
    }

    [Fact]
    public async Task A_record_is_gone_thirty_minutes_after_its_connection_started()
    {
        var flow = new FlowTestContext();
        var cookie = await flow.StartAsync();

        flow.Time.Advance(TimeSpan.FromMinutes(29));
        Assert.True(await flow.Recorder.AppendAsync(FlowTestContext.Request(cookie), FlowTestContext.Step(FlowStepKind.ApiCall)));
        Assert.NotNull(await flow.Recorder.GetAsync(FlowTestContext.Request(cookie)));

        flow.Time.Advance(TimeSpan.FromMinutes(1));
        Assert.Null(await flow.Recorder.GetAsync(FlowTestContext.Request(cookie)));
        Assert.False(await flow.Recorder.AppendAsync(FlowTestContext.Request(cookie), FlowTestContext.Step(FlowStepKind.ApiCall)));
    }

    [Fact]
    public async Task Past_the_step_limit_the_oldest_api_calls_give_way_and_the_connection_stays()
    {
        var flow = new FlowTestContext(new FlowInspectorOptions { MaxSteps = 6 });
        var cookie = await flow.StartAsync(FlowTestContext.Step(FlowStepKind.Authorize, "authorize"));
        await flow.Recorder.AppendAsync(FlowTestContext.Request(cookie), FlowTestContext.ConnectionSteps());

        for (var i = 1; i <= 5; i++)
        {
            await flow.Recorder.AppendAsync(FlowTestContext.Request(cookie), FlowTestContext.Step(FlowStepKind.ApiCall, $"call {i}"));
        }

        var record = (await flow.Recorder.GetAsync(FlowTestContext.Request(cookie)))!;
        Assert.Equal(["authorize", "callback", "token request", "token response", "call 4", "call 5"], record.Steps.Select(s => s.Title));
        Assert.Equal(3, record.DroppedSteps);
    }

    [Fact]
    public async Task The_store_holds_no_more_step_entries_than_the_limit_and_a_step_dropped_as_it_comes_is_never_written()
    {
        var store = new KeysWrittenCache();
        var flow = new FlowTestContext(new FlowInspectorOptions { MaxSteps = 3 }, store);
        var cookie = await flow.StartAsync(FlowTestContext.Step(FlowStepKind.Authorize, "authorize"));

        Assert.Equal(1, store.StepsWritten);

        // Five calls in one append, two places left: the first three give way before they are stored.
        await flow.Recorder.AppendAsync(FlowTestContext.Request(cookie),
            Enumerable.Range(1, 5).Select(i => FlowTestContext.Step(FlowStepKind.ApiCall, $"call {i}")).ToArray());
        Assert.Equal(3, store.StepsWritten);
        for (var i = 6; i <= 9; i++)
        {
            await flow.Recorder.AppendAsync(FlowTestContext.Request(cookie), FlowTestContext.Step(FlowStepKind.ApiCall, $"call {i}"));
        }

        var record = (await flow.Recorder.GetAsync(FlowTestContext.Request(cookie)))!;
        Assert.Equal(["authorize", "call 8", "call 9"], record.Steps.Select(s => s.Title));
        Assert.Equal(7, record.DroppedSteps);
        Assert.Equal(3, store.StepsHeld);
        Assert.Equal(7, store.StepsWritten);
    }

    [Fact]
    public async Task Concurrent_appends_from_one_browser_all_land()
    {
        var flow = new FlowTestContext(new FlowInspectorOptions { MaxSteps = 100 });
        var cookie = await flow.StartAsync();

        await Task.WhenAll(Enumerable.Range(0, 30).Select(i =>
            Task.Run(() => flow.Recorder.AppendAsync(FlowTestContext.Request(cookie), FlowTestContext.Step(FlowStepKind.ApiCall, $"call {i}")), TestContext.Current.CancellationToken)));

        Assert.Equal(31, (await flow.Recorder.GetAsync(FlowTestContext.Request(cookie)))!.Steps.Count);
    }

    [Fact]
    public async Task Clearing_forgets_the_record_and_deletes_the_cookie()
    {
        var flow = new FlowTestContext();
        var cookie = await flow.StartAsync();
        var context = FlowTestContext.Request(cookie);

        await flow.Recorder.ClearAsync(context);

        Assert.Contains("expires=Thu, 01 Jan 1970", context.Response.Headers.SetCookie.ToString());
        Assert.Null(await flow.Recorder.GetAsync(FlowTestContext.Request(cookie)));
    }

    [Fact]
    public async Task A_deferred_callback_goes_to_the_record_named_once_the_request_knows_it_is_https()
    {
        var flow = new FlowTestContext();
        var cookie = await flow.StartAsync(FlowTestContext.Step(FlowStepKind.Authorize, "authorize"), https: true);

        // Behind a TLS-terminating proxy the request looks like plain HTTP until the forwarded headers are applied.
        var callback = FlowTestContext.Request(cookie, https: false);
        flow.Recorder.DeferCallback(callback, FlowTestContext.Step(FlowStepKind.Callback, "callback"));
        callback.Request.Scheme = "https";
        await flow.Recorder.AppendAsync(callback, FlowTestContext.Step(FlowStepKind.TokenRequest, "token request"));

        var record = await flow.Recorder.GetAsync(FlowTestContext.Request(cookie, https: true));
        Assert.Equal(["authorize", "callback", "token request"], record!.Steps.Select(s => s.Title));
        Assert.False(callback.Response.Headers.ContainsKey("Set-Cookie"));
    }

    [Fact]
    public async Task A_deferred_callback_without_a_record_starts_one_with_a_note()
    {
        var flow = new FlowTestContext();
        var callback = FlowTestContext.Request();
        flow.Recorder.DeferCallback(callback, FlowTestContext.Step(FlowStepKind.Callback, "callback"));

        await flow.Recorder.FlushCallbackAsync(callback);

        var record = await flow.Recorder.GetAsync(FlowTestContext.Request(FlowTestContext.CookieSetBy(callback)));
        var step = Assert.Single(record!.Steps);
        Assert.Contains("No authorize request from this browser was on record", Assert.Single(step.Notes));
    }

    /// <summary>An in-memory store that counts the step entries written and those still held (keys with a step number).</summary>
    private sealed class KeysWrittenCache : IDistributedCache
    {
        private readonly MemoryDistributedCache _inner = new(Microsoft.Extensions.Options.Options.Create(new MemoryDistributedCacheOptions()));
        private readonly HashSet<string> _held = [];

        public int StepsWritten { get; private set; }

        public int StepsHeld
        {
            get
            {
                lock (_held)
                {
                    return _held.Count;
                }
            }
        }

        private static bool IsStep(string key) => key.Count(c => c == ':') == 2;

        public byte[]? Get(string key) => _inner.Get(key);

        public Task<byte[]?> GetAsync(string key, CancellationToken token = default) => _inner.GetAsync(key, token);

        public void Set(string key, byte[] value, DistributedCacheEntryOptions options) => SetAsync(key, value, options).GetAwaiter().GetResult();

        public Task SetAsync(string key, byte[] value, DistributedCacheEntryOptions options, CancellationToken token = default)
        {
            if (IsStep(key))
            {
                lock (_held)
                {
                    StepsWritten++;
                    _held.Add(key);
                }
            }
            return _inner.SetAsync(key, value, options, token);
        }

        public void Refresh(string key) => _inner.Refresh(key);

        public Task RefreshAsync(string key, CancellationToken token = default) => _inner.RefreshAsync(key, token);

        public void Remove(string key) => RemoveAsync(key).GetAwaiter().GetResult();

        public Task RemoveAsync(string key, CancellationToken token = default)
        {
            lock (_held)
            {
                _held.Remove(key);
            }
            return _inner.RemoveAsync(key, token);
        }
    }
}
