using System.Diagnostics;
using System.Net;
using System.Text.RegularExpressions;
using AgilePlanner.WebApp.Hosting;
using AgilePlanner.WebApp.Tests.Browser;
using AgilePlanner.WebApp.Tests.Infrastructure.RealServers;
using Npgsql;
using StackExchange.Redis;
using static Microsoft.Playwright.Assertions;

namespace AgilePlanner.WebApp.Tests.Scale;

/// <summary>
/// An instance killed (SIGKILL) in the middle of a refresh, holding the cross-instance refresh lock, and in the middle of a
/// callback: the other instance carries the same session on. The moment is made exact without any hook in the app: the test
/// holds the sandbox's token table locked, so the killed instance's sandbox is waiting on PostgreSQL when it dies, and
/// PostgreSQL rolls its transaction back. The second instance is drained at the balancer meanwhile, so the app's back-channel
/// call (which carries no pin) is answered by the first instance's own sandbox.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class InstanceKilledTests(ChromiumFixture chromium)
{
    private const string LockPattern = "agileplanner:refresh:*:lock";

    // The lease, and the time a loaded machine takes to serve the page after it.
    private static readonly TimeSpan Margin = TimeSpan.FromSeconds(10);

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task An_instance_killed_holding_the_refresh_lock_frees_it_with_its_lease_and_the_other_refreshes_the_session_once()
    {
        await using var topology = await ScaleTopology.StartAsync(2, extraSettings: new Dictionary<string, string>
        {
            // Within the app's refresh margin: every request with a cookie refreshes its token.
            ["Sandbox__AccessTokenLifetime"] = "00:00:15",
        });
        var cookie = await SignedInCookieAsync(topology);
        // The token is due for its refresh in the last tenth of its 15 s: the next page refreshes.
        await Task.Delay(TimeSpan.FromSeconds(14), Cancel);
        var refreshTokensBefore = await RefreshTokensAsync(topology);
        using var redis = await ConnectionMultiplexer.ConnectAsync(topology.Redis!.ConnectionString);
        using var handler = new HttpClientHandler { AllowAutoRedirect = false, UseCookies = false };
        using var client = new HttpClient(handler) { BaseAddress = topology.Balancer.AppUrl, Timeout = TimeSpan.FromSeconds(60) };

        Task<HttpResponseMessage> onApp1;
        Stopwatch sinceKill;
        await using (var tokens = await LockTokenTableAsync(topology))
        {
            await topology.Balancer.SetStateAsync("app2", "drain");
            onApp1 = client.SendAsync(Request("account", cookie, "app1"), Cancel);
            await WhenBlockedOnTheTokenTableAsync(topology);

            // app1 holds the refresh lock, its sandbox waits on the table: the lock is in Redis, leased, not forever.
            var held = Keys(redis, LockPattern);
            Assert.Single(held);
            var ttl = await redis.GetDatabase().KeyTimeToLiveAsync(held[0]);
            Assert.NotNull(ttl);
            Assert.InRange(ttl.Value, TimeSpan.FromMilliseconds(1), SharedStore.RefreshLockLease);

            topology.Instances[0].Kill();
            sinceKill = Stopwatch.StartNew();
            await topology.Balancer.SetStateAsync("app2", "ready");
            await tokens.Transaction.RollbackAsync(Cancel);
        }
        // The request on app1 died with it: the balancer answers for it, or the connection is cut.
        try
        {
            using var died = await onApp1;
            Assert.NotEqual(HttpStatusCode.OK, died.StatusCode);
        }
        catch (HttpRequestException)
        {
            // Cut with the process: what a browser sees as a failed load, which it may reload.
        }

        // The same stale cookie on app2: it waits out the dead instance's lease, refreshes, and shows the account.
        using var onApp2 = await client.SendAsync(Request("account", cookie, "app2"), Cancel);
        var waited = sinceKill.Elapsed;
        var body = await onApp2.Content.ReadAsStringAsync(Cancel);
        Assert.True(onApp2.StatusCode == HttpStatusCode.OK, $"{(int)onApp2.StatusCode} {onApp2.Headers.Location}\n{topology.Tails()}");
        Assert.Contains(AgilePlannerFlow.DemoName, body, StringComparison.Ordinal);
        Assert.Equal("app2", onApp2.Headers.GetValues(HaproxyBalancer.ServedByHeader).Single());
        Assert.True(waited < SharedStore.RefreshLockLease + Margin, $"The account took {waited.TotalSeconds:0.0} s after the kill.");
        Assert.Empty(Keys(redis, LockPattern));
        // The killed instance's redemption was rolled back by PostgreSQL: the old refresh token was still good, and exactly
        // one new one was issued, to app2.
        Assert.Equal(refreshTokensBefore + 1, await RefreshTokensAsync(topology));
        TestContext.Current.TestOutputHelper?.WriteLine($"account on app2 {waited.TotalSeconds:0.0} s after app1 was killed");
    }

    [Fact]
    public async Task An_instance_killed_in_the_middle_of_the_callback_lets_the_reloaded_callback_sign_in_on_another()
    {
        await using var topology = await ScaleTopology.StartAsync(2);
        await using var browser = await BalancedBrowser.OpenAsync(chromium, topology.Balancer);
        var page = browser.Page;
        await browser.PinAsync("app1", callbackInstance: "app1");

        // The sign-in as usual; Allow is sent with the browser's own cookies, but its redirects are walked by hand so the
        // callback URL is held back (a route would not see a redirect's hops).
        await page.GotoAsync("/");
        await AgilePlannerFlow.ConnectAgilePlanner(page).ClickAsync();
        await page.GetByLabel("Email").FillAsync(AgilePlannerFlow.DemoEmail);
        await page.GetByLabel("Password").FillAsync(AgilePlannerFlow.DemoPassword);
        await page.GetByRole(Microsoft.Playwright.AriaRole.Button, new() { Name = "Sign in", Exact = true }).ClickAsync();
        await Expect(page).ToHaveURLAsync(new Regex($"^{Regex.Escape(topology.Balancer.ProviderUrl.ToString())}oauth/authorize"));
        var callbackUrl = await AllowWithoutFollowingToTheCallbackAsync(page, topology.Balancer);
        var cookie = string.Join("; ", (await browser.Context.CookiesAsync())
            .Where(c => c.Domain.TrimStart('.') == topology.Balancer.AppUrl.Host).Select(c => c.Name + "=" + c.Value));

        // The callback lands on app1, which exchanges the code with its own sandbox; app1 dies while that waits.
        using var handler = new HttpClientHandler { AllowAutoRedirect = false, UseCookies = false };
        using var client = new HttpClient(handler) { Timeout = TimeSpan.FromSeconds(60) };
        Task<HttpResponseMessage> onApp1;
        await using (var tokens = await LockTokenTableAsync(topology))
        {
            await topology.Balancer.SetStateAsync("app2", "drain");
            var request = Request(callbackUrl, cookie, "app1");
            request.Headers.Add(HaproxyBalancer.CallbackPinHeader, "app1");
            onApp1 = client.SendAsync(request, Cancel);
            await WhenBlockedOnTheTokenTableAsync(topology);
            topology.Instances[0].Kill();
            await topology.Balancer.SetStateAsync("app2", "ready");
            await tokens.Transaction.RollbackAsync(Cancel);
        }
        try
        {
            using var died = await onApp1;
            Assert.NotEqual(HttpStatusCode.Redirect, died.StatusCode);
        }
        catch (HttpRequestException)
        {
            // Cut with the process: what a browser sees as a failed load, which it may reload.
        }

        // The browser reloads the callback, now on app2: the state and correlation cookie open there, the code was never
        // redeemed, and the user is signed in.
        await browser.PinAsync("app2", callbackInstance: "app2");
        await page.GotoAsync(callbackUrl);
        await browser.ExpectAccountAsync();
        Assert.Equal("app2", browser.ServedBy("GET", "/callback"));
        Assert.DoesNotContain(browser.Answers, answer => answer.Status >= 500);
    }

    /// <summary>Posts the consent page's form with Allow, as the browser would, and follows the provider's redirects up to the app's callback.</summary>
    private static async Task<string> AllowWithoutFollowingToTheCallbackAsync(Microsoft.Playwright.IPage page, HaproxyBalancer balancer)
    {
        var consent = page.Locator("form[action='/sandbox/oauth/authorize']");
        var fields = await consent.EvaluateAsync<Dictionary<string, string>>("form => Object.fromEntries(new FormData(form))");
        var form = page.APIRequest.CreateFormData();
        foreach (var (name, value) in fields)
        {
            form.Set(name, value);
        }
        form.Set("decision", "allow");
        var origin = balancer.ProviderUrl.GetLeftPart(UriPartial.Authority);
        var headers = new Dictionary<string, string> { ["Origin"] = origin, ["Referer"] = page.Url, [HaproxyBalancer.PinHeader] = "app1" };
        var response = await page.APIRequest.PostAsync(new Uri(balancer.ProviderUrl, "oauth/authorize").ToString(),
            new() { Form = form, MaxRedirects = 0, Headers = headers });
        var at = new Uri(balancer.ProviderUrl, "oauth/authorize");
        for (var hop = 0; hop < 5; hop++)
        {
            Assert.True(response.Status is >= 300 and < 400, $"Allow answered {response.Status}: {await response.TextAsync()}");
            var next = new Uri(at, response.Headers["location"]);
            if (next.AbsolutePath == "/callback")
            {
                return next.ToString();
            }
            at = next;
            response = await page.APIRequest.GetAsync(next.ToString(), new() { MaxRedirects = 0, Headers = headers });
        }
        throw new InvalidOperationException("The provider did not send the browser to the callback.");
    }

    /// <summary>Signs in with Chromium through the balancer and returns the app's cookies as the last answer set them.</summary>
    private async Task<string> SignedInCookieAsync(ScaleTopology topology)
    {
        await using var browser = await BalancedBrowser.OpenAsync(chromium, topology.Balancer);
        await browser.ConnectAsync();
        return string.Join("; ", (await browser.Context.CookiesAsync())
            .Where(c => c.Domain.TrimStart('.') == topology.Balancer.AppUrl.Host).Select(c => c.Name + "=" + c.Value));
    }

    private static HttpRequestMessage Request(string path, string cookie, string instance)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Add("Cookie", cookie);
        request.Headers.Add(HaproxyBalancer.PinHeader, instance);
        return request;
    }

    /// <summary>A transaction holding the sandbox's token table: every read or write of a token waits until it ends.</summary>
    private static async Task<TableLock> LockTokenTableAsync(ScaleTopology topology)
    {
        var connection = new NpgsqlConnection(topology.Postgres.ConnectionString(topology.Database));
        await connection.OpenAsync(Cancel);
        var transaction = await connection.BeginTransactionAsync(Cancel);
        await using var command = new NpgsqlCommand("LOCK TABLE \"OpenIddictTokens\" IN ACCESS EXCLUSIVE MODE", connection, transaction);
        await command.ExecuteNonQueryAsync(Cancel);
        return new TableLock(connection, transaction);
    }

    /// <summary>Until a session of the sandbox waits for the token table (the app's back-channel call has reached it).</summary>
    private static Task WhenBlockedOnTheTokenTableAsync(ScaleTopology topology) =>
        RedisServer.WaitUntilAsync(() => topology.Postgres.ScalarAsync(topology.Database,
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'").GetAwaiter().GetResult() > 0,
            "the sandbox to wait for the token table");

    private static List<RedisKey> Keys(ConnectionMultiplexer redis, string pattern) =>
        [.. redis.GetServers().SelectMany(server => server.Keys(pattern: pattern))];

    private static Task<long> RefreshTokensAsync(ScaleTopology topology) =>
        topology.Postgres.ScalarAsync(topology.Database, "SELECT count(*) FROM \"OpenIddictTokens\" WHERE \"Type\" LIKE '%refresh_token'");

    private sealed record TableLock(NpgsqlConnection Connection, NpgsqlTransaction Transaction) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            await Transaction.DisposeAsync();
            await Connection.DisposeAsync();
        }
    }
}
