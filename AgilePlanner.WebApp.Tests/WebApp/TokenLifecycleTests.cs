using System.Net;
using AgilePlanner.WebApp.Tests.Infrastructure;

namespace AgilePlanner.WebApp.Tests.WebApp;

/// <summary>Refresh before expiry, 401 then one refresh and one retry, refused refreshes, scopes, and Disconnect.</summary>
public sealed class TokenLifecycleTests : IAsyncDisposable
{
    private readonly ClientAppFactory _app = new();

    private ProviderDouble Provider => _app.Provider;

    [Fact]
    public async Task A_token_about_to_expire_is_refreshed_once_and_the_new_one_is_kept_in_the_session()
    {
        Provider.IssuingTokens(expiresIn: 300).ServingApi();
        using var browser = _app.CreateBrowser();
        await ConnectAsync(browser);
        var firstRefreshToken = RefreshTokenIssued(1);

        // Within the last tenth of its 300 s (30 s) it is due.
        _app.Time.Advance(TimeSpan.FromSeconds(275));
        var (response, page) = await ClientFlow.PageAsync(browser, "/account");
        Assert.Equal("Ada Lovelace", page.QuerySelector("[data-field=name]")?.TextContent);
        // Past the 30 s the account page keeps what it read, so the second visit calls the API with the new token.
        _app.Time.Advance(TimeSpan.FromSeconds(31));
        var (_, again) = await ClientFlow.PageAsync(browser, "/account");
        Assert.Equal("Ada Lovelace", again.QuerySelector("[data-field=name]")?.TextContent);

        Assert.Equal(2, Provider.TokenRequests.Count);
        var refresh = Provider.TokenRequests[1];
        Assert.Equal("refresh_token", refresh.Form["grant_type"]);
        Assert.Equal(firstRefreshToken, refresh.Form["refresh_token"]);
        Assert.Equal(ClientAppFactory.ClientSecret, refresh.Form["client_secret"]);
        Assert.StartsWith("Bearer access-2-", Provider.ApiRequests[^1].Authorization);
        Assert.StartsWith("Bearer access-2-", Provider.ApiRequests[^2].Authorization);
    }

    [Fact]
    public async Task A_short_lived_token_is_used_for_most_of_its_life_and_refreshed_once_not_on_every_call()
    {
        Provider.IssuingTokens(expiresIn: 15).ServingApi((_, path) => path == "me" ? NotStored() : null);
        using var browser = _app.CreateBrowser();
        await ConnectAsync(browser);

        // Every view of the account calls the API (no-store); for the first 13.5 s of the token's 15 s none refreshes.
        for (var second = 2; second <= 12; second += 2)
        {
            _app.Time.Advance(TimeSpan.FromSeconds(2));
            await ClientFlow.GetPageAsync(browser, "/account");
        }
        Assert.Single(Provider.TokenRequests);
        Assert.All(Provider.ApiRequests, call => Assert.StartsWith("Bearer access-1-", call.Authorization));

        _app.Time.Advance(TimeSpan.FromSeconds(2));
        await ClientFlow.GetPageAsync(browser, "/account");
        _app.Time.Advance(TimeSpan.FromSeconds(2));
        await ClientFlow.GetPageAsync(browser, "/account");

        Assert.Equal(2, Provider.TokenRequests.Count);
        Assert.Equal("refresh_token", Provider.TokenRequests[1].Form["grant_type"]);
        Assert.StartsWith("Bearer access-2-", Provider.ApiRequests[^1].Authorization);
        Assert.StartsWith("Bearer access-2-", Provider.ApiRequests[^2].Authorization);
    }

    [Fact]
    public async Task A_rotated_refresh_token_replaces_the_spent_one()
    {
        Provider.IssuingTokens(expiresIn: 120).ServingApi();
        using var browser = _app.CreateBrowser();
        await ConnectAsync(browser);

        _app.Time.Advance(TimeSpan.FromSeconds(110));
        await ClientFlow.GetPageAsync(browser, "/account");
        _app.Time.Advance(TimeSpan.FromSeconds(110));
        await ClientFlow.GetPageAsync(browser, "/account");

        Assert.Equal(3, Provider.TokenRequests.Count);
        Assert.Equal(RefreshTokenIssued(2), Provider.TokenRequests[2].Form["refresh_token"]);
    }

    [Fact]
    public async Task Requests_of_one_session_arriving_together_refresh_once()
    {
        Provider.IssuingTokens(expiresIn: 120).ServingApi();
        using var browser = _app.CreateBrowser();
        await ConnectAsync(browser);

        _app.Time.Advance(TimeSpan.FromSeconds(110));
        var pages = await Task.WhenAll(Enumerable.Range(0, 6).Select(_ => browser.GetAsync("/account", TestContext.Current.CancellationToken)));

        Assert.All(pages, page => Assert.Equal(HttpStatusCode.OK, page.StatusCode));
        Assert.Equal(2, Provider.TokenRequests.Count);
    }

    [Fact]
    public async Task An_api_401_triggers_one_refresh_and_one_retry()
    {
        Provider.IssuingTokens().ServingApi((request, path) => path == "me" && request.Authorization!.StartsWith("Bearer access-1-", StringComparison.Ordinal) && Provider.ApiRequests.Count > 1
            ? Unauthorized()
            : null);
        using var browser = _app.CreateBrowser();
        await ConnectAsync(browser);
        var callsBefore = Provider.ApiRequests.Count;

        var (response, page) = await ClientFlow.PageAsync(browser, "/account");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("Ada Lovelace", page.QuerySelector("[data-field=name]")?.TextContent);
        Assert.Equal(2, Provider.TokenRequests.Count);
        var calls = Provider.ApiRequests.Skip(callsBefore).ToList();
        Assert.Equal(2, calls.Count);
        Assert.StartsWith("Bearer access-1-", calls[0].Authorization);
        Assert.StartsWith("Bearer access-2-", calls[1].Authorization);
    }

    [Fact]
    public async Task A_401_after_the_refresh_shows_connection_expired_and_signs_out()
    {
        Provider.IssuingTokens().ServingApi((_, path) => path == "me" && Provider.ApiRequests.Count > 1 ? Unauthorized() : null);
        using var browser = _app.CreateBrowser();
        await ConnectAsync(browser);

        var (_, page) = await ClientFlow.PageAsync(browser, "/account");

        Assert.Equal("Your connection expired", page.QuerySelector("h1")?.TextContent);
        Assert.Equal(2, Provider.TokenRequests.Count);
        await AssertSignedOutAsync(browser);
    }

    [Theory]
    [InlineData(HttpStatusCode.BadRequest, "invalid_grant")]
    [InlineData(HttpStatusCode.Unauthorized, "invalid_client")]
    public async Task Access_taken_back_at_the_provider_shows_revoked_clears_the_session_and_stops_refreshing(HttpStatusCode status, string error)
    {
        Provider.IssuingTokens().ServingApi((_, path) => path == "me" && Provider.ApiRequests.Count > 1 ? Unauthorized() : null);
        using var browser = _app.CreateBrowser();
        await ConnectAsync(browser);
        Provider.Token = (_, _) => Task.FromResult(ProviderDouble.Json(status, new { error }));

        var (_, page) = await ClientFlow.PageAsync(browser, "/account");

        Assert.Equal("Agile Planner access was revoked", page.QuerySelector("h1")?.TextContent);
        Assert.Contains(page.QuerySelectorAll("main a"), a => a.TextContent.Trim() == "Connect again" && a.GetAttribute("href") == "/connect");
        Assert.Equal(2, Provider.TokenRequests.Count);
        var apiCalls = Provider.ApiRequests.Count;
        await AssertSignedOutAsync(browser);
        Assert.Equal(2, Provider.TokenRequests.Count);
        Assert.Equal(apiCalls, Provider.ApiRequests.Count);
    }

    [Fact]
    public async Task A_refresh_refused_before_expiry_signs_out_cleanly()
    {
        Provider.IssuingTokens(expiresIn: 120).ServingApi();
        using var browser = _app.CreateBrowser();
        await ConnectAsync(browser);
        Provider.Token = (_, _) => Task.FromResult(ProviderDouble.Json(HttpStatusCode.BadRequest, new { error = "invalid_grant" }));

        _app.Time.Advance(TimeSpan.FromSeconds(110));
        var (_, page) = await ClientFlow.PageAsync(browser, "/account");

        Assert.Equal("Agile Planner access was revoked", page.QuerySelector("h1")?.TextContent);
        await AssertSignedOutAsync(browser);
    }

    [Fact]
    public async Task A_refresh_that_fails_for_a_moment_keeps_the_session_while_the_token_still_works()
    {
        Provider.IssuingTokens(expiresIn: 120).ServingApi();
        using var browser = _app.CreateBrowser();
        await ConnectAsync(browser);
        Provider.Token = (_, _) => Task.FromResult(new HttpResponseMessage(HttpStatusCode.ServiceUnavailable));

        _app.Time.Advance(TimeSpan.FromSeconds(110));
        var (response, page) = await ClientFlow.PageAsync(browser, "/account");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("Ada Lovelace", page.QuerySelector("[data-field=name]")?.TextContent);
    }

    [Fact]
    public async Task A_403_insufficient_scope_offers_to_connect_again_with_the_missing_scope()
    {
        Provider.IssuingTokens().ServingApi((_, path) => path.StartsWith("projects", StringComparison.Ordinal)
            ? new HttpResponseMessage(HttpStatusCode.Forbidden) { Headers = { { "WWW-Authenticate", "Bearer error=\"insufficient_scope\", scope=\"projects:read\"" } } }
            : null);
        using var browser = _app.CreateBrowser();
        await ConnectAsync(browser);

        var (_, page) = await ClientFlow.PageAsync(browser, "/projects");

        Assert.Equal("More access is needed", page.QuerySelector("h1")?.TextContent);
        var allow = page.QuerySelectorAll("main a.button").Single();
        Assert.Equal("/connect?scope=projects%3Aread&returnUrl=%2Fprojects", allow.GetAttribute("href"));
        var authorize = await ClientFlow.StartAsync(browser, allow.GetAttribute("href")!);
        Assert.Equal("read projects:read", ClientFlow.Query(authorize)["scope"]);
    }

    [Fact]
    public async Task An_api_that_keeps_failing_shows_unavailable_after_retrying_reads_only()
    {
        Provider.IssuingTokens().ServingApi((_, path) => path == "me" && Provider.ApiRequests.Count > 1 ? new HttpResponseMessage(HttpStatusCode.InternalServerError) : null);
        using var browser = _app.CreateBrowser();
        await ConnectAsync(browser);
        var before = Provider.ApiRequests.Count;

        var response = await PumpTimeAsync(browser.GetAsync("/account", TestContext.Current.CancellationToken));

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        var page = await Html.ParseAsync(response);
        Assert.Equal("Agile Planner is unavailable", page.QuerySelector("h1")?.TextContent);
        Assert.InRange(Provider.ApiRequests.Count - before, 2, 4);
    }

    [Fact]
    public async Task A_429_is_retried_after_the_time_the_api_asks_for()
    {
        var calls = 0;
        Provider.IssuingTokens().ServingApi((_, path) => path == "me" && Provider.ApiRequests.Count > 1 && Interlocked.Increment(ref calls) == 1
            ? new HttpResponseMessage(HttpStatusCode.TooManyRequests) { Headers = { RetryAfter = new System.Net.Http.Headers.RetryConditionHeaderValue(TimeSpan.FromSeconds(3)) } }
            : null);
        using var browser = _app.CreateBrowser();
        await ConnectAsync(browser);

        var pending = browser.GetAsync("/account", TestContext.Current.CancellationToken);
        while (Volatile.Read(ref calls) == 0)
        {
            await Task.Delay(10, TestContext.Current.CancellationToken);
        }
        _app.Time.Advance(TimeSpan.FromSeconds(2.9));
        await Task.Delay(100, TestContext.Current.CancellationToken);
        Assert.Equal(1, Volatile.Read(ref calls));
        var response = await PumpTimeAsync(pending);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(2, Volatile.Read(ref calls));
    }

    private async Task<HttpResponseMessage> PumpTimeAsync(Task<HttpResponseMessage> pending)
    {
        // Retries wait on the app's TimeProvider: move it on until the request completes.
        while (!pending.IsCompleted)
        {
            _app.Time.Advance(TimeSpan.FromMilliseconds(500));
            await Task.WhenAny(pending, Task.Delay(5, TestContext.Current.CancellationToken));
        }
        return await pending;
    }

    /// <summary>Connects and lands on the home page, so the only API call so far is the sign-in's <c>GET /me</c>.</summary>
    private static Task<HttpResponseMessage> ConnectAsync(HttpClient browser) => ClientFlow.ConnectAsync(browser, "/connect?returnUrl=%2F");

    private string RefreshTokenIssued(int n) => Provider.Issued[n - 1].RefreshToken;

    private static HttpResponseMessage NotStored()
    {
        var me = ProviderDouble.Json(HttpStatusCode.OK, new { id = 1, name = "Ada Lovelace", email = "demo@agileplanner.test" });
        me.Headers.CacheControl = new System.Net.Http.Headers.CacheControlHeaderValue { NoStore = true };
        return me;
    }

    private static HttpResponseMessage Unauthorized() =>
        new(HttpStatusCode.Unauthorized) { Headers = { { "WWW-Authenticate", "Bearer error=\"invalid_token\"" } } };

    private static async Task AssertSignedOutAsync(HttpClient browser)
    {
        await ClientFlow.AssertConnectOfferedAsync(browser);
    }

    public async ValueTask DisposeAsync()
    {
        await _app.DisposeAsync();
        Assert.Empty(Provider.Unexpected);
    }
}
