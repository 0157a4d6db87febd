using System.Net;
using System.Net.Http.Headers;
using AgilePlanner.WebApp.Tests.Infrastructure;

namespace AgilePlanner.WebApp.Tests.WebApp;

/// <summary>
/// The account, a project and its iterations are kept per access token for a short while (30 s unless the API says
/// less), revalidated with their ETag afterwards, and dropped after a write: counted in calls that reach the provider.
/// </summary>
public sealed class ApiCacheTests : IAsyncDisposable
{
    private readonly ClientAppFactory _app = new();

    private ProviderDouble Provider => _app.Provider;

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task The_account_page_reads_me_once_for_thirty_seconds_then_asks_again()
    {
        Provider.IssuingTokens().ServingApi();
        using var browser = await ConnectedAsync();

        Assert.Equal("Ada Lovelace", await NameOnAccountAsync(browser));
        Assert.Equal("Ada Lovelace", await NameOnAccountAsync(browser));
        _app.Time.Advance(TimeSpan.FromSeconds(29));
        Assert.Equal("Ada Lovelace", await NameOnAccountAsync(browser));
        Assert.Equal(1, MeCalls());

        _app.Time.Advance(TimeSpan.FromSeconds(2));
        Assert.Equal("Ada Lovelace", await NameOnAccountAsync(browser));
        Assert.Equal(2, MeCalls());
    }

    [Fact]
    public async Task A_stale_account_is_revalidated_with_its_etag_and_a_304_shows_the_same_account()
    {
        var conditional = new List<string>();
        Provider.IssuingTokens().ServingApi((request, path) => path == "me" && MeCalls() > 1
            ? Revalidated(request, conditional)
            : path == "me" ? WithValidator(Me("Ada Lovelace"), "\"v1\"", maxAge: null) : null);
        using var browser = await ConnectedAsync();

        Assert.Equal("Ada Lovelace", await NameOnAccountAsync(browser));
        _app.Time.Advance(TimeSpan.FromSeconds(31));
        Assert.Equal("Ada Lovelace", await NameOnAccountAsync(browser));

        Assert.Equal(2, MeCalls());
        Assert.Equal(["\"v1\""], conditional);
    }

    [Fact]
    public async Task The_apis_own_max_age_shortens_the_time_and_no_store_is_never_kept()
    {
        Provider.IssuingTokens().ServingApi((_, path) => path == "me"
            ? WithCacheControl(Me("Ada Lovelace"), MeCalls() < 2 ? "private, max-age=5" : "no-store")
            : null);
        using var browser = await ConnectedAsync();

        await NameOnAccountAsync(browser);
        _app.Time.Advance(TimeSpan.FromSeconds(4));
        await NameOnAccountAsync(browser);
        Assert.Equal(1, MeCalls());

        _app.Time.Advance(TimeSpan.FromSeconds(2));
        await NameOnAccountAsync(browser);
        await NameOnAccountAsync(browser);
        await NameOnAccountAsync(browser);
        Assert.Equal(4, MeCalls());
    }

    [Fact]
    public async Task Each_session_has_its_own_cache_so_nobody_sees_another_users_account()
    {
        Provider.IssuingTokens().ServingApi((request, path) => path == "me"
            ? Me(request.Authorization!.StartsWith("Bearer access-1-", StringComparison.Ordinal) ? "Ada Lovelace" : "Charles Babbage")
            : null);
        using var ada = await ConnectedAsync();
        using var charles = await ConnectedAsync();

        Assert.Equal("Ada Lovelace", await NameOnAccountAsync(ada));
        Assert.Equal("Charles Babbage", await NameOnAccountAsync(charles));
        Assert.Equal("Ada Lovelace", await NameOnAccountAsync(ada));
        Assert.Equal("Charles Babbage", await NameOnAccountAsync(charles));
        Assert.Equal(2 + 2, Calls("me"));
    }

    [Fact]
    public async Task A_project_page_reads_the_project_and_its_iterations_once_but_its_stories_every_time()
    {
        Provider.IssuingTokens(scope: "read write").ServingApi(ServeProject);
        using var browser = await ConnectedAsync();

        await ProjectPageAsync(browser);
        await ProjectPageAsync(browser);
        await ProjectPageAsync(browser);

        Assert.Equal(1, Calls("projects/p1"));
        Assert.Equal(1, Calls("projects/p1/iterations"));
        Assert.Equal(3, Calls("projects/p1/stories"));
    }

    [Fact]
    public async Task Adding_a_story_drops_what_the_session_cached_so_the_next_page_is_read_afresh()
    {
        Provider.IssuingTokens(scope: "read write").ServingApi(ServeProject);
        using var browser = await ConnectedAsync();
        var page = await ProjectPageAsync(browser);

        var form = (AngleSharp.Html.Dom.IHtmlFormElement)page.QuerySelector("form.story-form")!;
        var added = await Html.SubmitAsync(browser, form, new Dictionary<string, string>
        {
            ["Form.Title"] = "Print the Bernoulli table", ["Form.Type"] = "feature", ["Form.Points"] = "3",
        });
        Assert.Equal(HttpStatusCode.Redirect, added.StatusCode);
        await ProjectPageAsync(browser);

        Assert.Equal(2, Calls("projects/p1"));
        Assert.Equal(2, Calls("projects/p1/iterations"));
    }

    [Fact]
    public async Task After_disconnect_a_replayed_session_cookie_is_not_shown_the_cached_account()
    {
        var ended = EndingTokensWhenRevoked();
        var (browser, cookie) = await ConnectedWithCookieAsync();
        using (browser)
        {
            Assert.Equal("Ada Lovelace", await NameOnAccountAsync(browser));
            var home = await Html.ParseAsync(await browser.GetAsync("/", Cancel));
            using var disconnected = await browser.SubmitAsync(home.QuerySelector("form[action='/disconnect']") as AngleSharp.Html.Dom.IHtmlFormElement
                ?? throw new InvalidOperationException("No Disconnect form."));
            Assert.Equal(HttpStatusCode.Redirect, disconnected.StatusCode);
        }
        Assert.NotEmpty(ended);

        using var replay = ReplayingCookie(cookie);
        using var account = await replay.GetAsync("/account", Cancel);

        Assert.DoesNotContain("Ada Lovelace", await account.Content.ReadAsStringAsync(Cancel));
        Assert.NotEqual(HttpStatusCode.OK, account.StatusCode);
    }

    [Fact]
    public async Task A_401_for_the_token_on_any_page_drops_what_it_cached_so_a_replayed_cookie_sees_nothing()
    {
        var ended = EndingTokensWhenRevoked();
        var (browser, cookie) = await ConnectedWithCookieAsync();
        using (browser)
        {
            Assert.Equal("Ada Lovelace", await NameOnAccountAsync(browser));
            // Revoke access at the provider: the next call with the token is answered 401, the refresh is refused.
            ended.Add("Bearer " + Provider.Issued[0].AccessToken);
            ended.Add(Provider.Issued[0].RefreshToken);
            using var projects = await browser.GetAsync("/projects", Cancel);
            Assert.Equal(HttpStatusCode.Redirect, projects.StatusCode);
        }

        using var replay = ReplayingCookie(cookie);
        using var account = await replay.GetAsync("/account", Cancel);

        Assert.DoesNotContain("Ada Lovelace", await account.Content.ReadAsStringAsync(Cancel));
        // Asked again, and refused: the cached answer was not used.
        Assert.Equal(2, MeCalls());
    }

    [Fact]
    public async Task A_zero_cache_duration_asks_the_api_every_time()
    {
        _app.With("AgilePlanner:ApiCacheDuration", "00:00:00");
        Provider.IssuingTokens().ServingApi();
        using var browser = await ConnectedAsync();

        await NameOnAccountAsync(browser);
        await NameOnAccountAsync(browser);

        Assert.Equal(2, MeCalls());
    }

    [Fact]
    public async Task A_failed_answer_is_not_kept()
    {
        var failing = true;
        Provider.IssuingTokens().ServingApi((_, path) => path == "me" && MeCalls() >= 1 && Volatile.Read(ref failing)
            ? new HttpResponseMessage(HttpStatusCode.NotFound)
            : null);
        using var browser = await ConnectedAsync();

        var missing = await browser.GetAsync("/account", Cancel);
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        Volatile.Write(ref failing, false);

        Assert.Equal("Ada Lovelace", await NameOnAccountAsync(browser));
    }

    /// <summary>Connects, landing on the home page: the sign-in's own <c>GET /me</c> is not kept, so it is not counted.</summary>
    /// <summary>Tokens revoked at the double (access tokens as their Authorization header) answer 401, or invalid_grant to a refresh.</summary>
    private System.Collections.Concurrent.ConcurrentBag<string> EndingTokensWhenRevoked()
    {
        var ended = new System.Collections.Concurrent.ConcurrentBag<string>();
        Provider.IssuingTokens().ServingApi((request, path) => ended.Contains(request.Authorization ?? "")
            ? new HttpResponseMessage(HttpStatusCode.Unauthorized)
            : path.StartsWith("projects?", StringComparison.Ordinal) ? ProviderDouble.Json(HttpStatusCode.OK, new { items = Array.Empty<object>(), nextCursor = (string?)null }) : null);
        var issue = Provider.Token!;
        Provider.Token = (request, cancel) => request.Form.TryGetValue("refresh_token", out var refresh) && ended.Contains(refresh)
            ? Task.FromResult(ProviderDouble.Json(HttpStatusCode.BadRequest, new { error = "invalid_grant" }))
            : issue(request, cancel);
        Provider.Revoke = request =>
        {
            ended.Add(request.Form["token_type_hint"] == "access_token" ? "Bearer " + request.Form["token"] : request.Form["token"]);
            return new HttpResponseMessage(HttpStatusCode.OK);
        };
        return ended;
    }

    /// <summary>A connected browser and its session cookie as the callback set it, to replay later.</summary>
    private async Task<(HttpClient Browser, string Cookie)> ConnectedWithCookieAsync()
    {
        var browser = _app.CreateBrowser();
        var authorize = await ClientFlow.StartAsync(browser, "/connect?returnUrl=%2F");
        using var callback = await ClientFlow.CallbackAsync(browser, ClientFlow.Allowed(authorize));
        var cookie = callback.Headers.GetValues("Set-Cookie").Single(c => c.StartsWith("AgilePlanner=", StringComparison.Ordinal)).Split(';')[0];
        return (browser, cookie);
    }

    private HttpClient ReplayingCookie(string cookie)
    {
        var client = _app.CreateClient(new Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = false });
        client.DefaultRequestHeaders.Add("Cookie", cookie);
        return client;
    }

    private async Task<HttpClient> ConnectedAsync()
    {
        var browser = _app.CreateBrowser();
        await ClientFlow.ConnectAsync(browser, "/connect?returnUrl=%2F");
        return browser;
    }

    private static async Task<string?> NameOnAccountAsync(HttpClient browser)
    {
        var (response, page) = await ClientFlow.PageAsync(browser, "/account");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return page.QuerySelector("[data-field=name]")?.TextContent;
    }

    private static async Task<AngleSharp.Html.Dom.IHtmlDocument> ProjectPageAsync(HttpClient browser)
    {
        var (response, page) = await ClientFlow.PageAsync(browser, "/projects/p1");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("Analytical Engine", page.QuerySelector("h1")?.TextContent);
        Assert.Equal("Mill and store", page.QuerySelector("table.stories tbody tr td")?.TextContent.Trim());
        return page;
    }

    /// <summary>Calls of <c>GET /me</c> made for pages, not counting the sign-in's.</summary>
    private int MeCalls() => Calls("me") - 1;

    private int Calls(string path) =>
        Provider.ApiRequests.Count(r => r.Method == "GET" && r.Uri.AbsolutePath == "/api/v1/" + path);

    private static HttpResponseMessage? ServeProject(RecordedRequest request, string path) => path.Split('?')[0] switch
    {
        "projects/p1" => ProviderDouble.Json(HttpStatusCode.OK, new { id = "p1", name = "Analytical Engine", description = "", velocity = 10, memberCount = 2 }),
        "projects/p1/iterations" => ProviderDouble.Json(HttpStatusCode.OK, new
        {
            items = new[] { new { id = "i1", number = 1, name = "Sprint 1", state = "current", points = 8 } },
            nextCursor = (string?)null,
        }),
        "projects/p1/stories" when request.Method == "GET" => ProviderDouble.Json(HttpStatusCode.OK, new
        {
            items = new[] { new { id = "s1", title = "Mill and store", type = "feature", state = "started", points = 3 } },
            nextCursor = (string?)null,
        }),
        "projects/p1/stories" => ProviderDouble.Json(HttpStatusCode.Created, new { id = "s2", title = "Print the Bernoulli table", type = "feature", state = "unstarted", points = 3 }),
        _ => null,
    };

    private static HttpResponseMessage Me(string name) =>
        ProviderDouble.Json(HttpStatusCode.OK, new { id = 1, name, email = "someone@agileplanner.test" });

    private static HttpResponseMessage WithValidator(HttpResponseMessage response, string etag, TimeSpan? maxAge)
    {
        response.Headers.ETag = new EntityTagHeaderValue(etag);
        response.Headers.CacheControl = new CacheControlHeaderValue { Private = true, MaxAge = maxAge };
        return response;
    }

    private static HttpResponseMessage WithCacheControl(HttpResponseMessage response, string cacheControl)
    {
        response.Headers.CacheControl = CacheControlHeaderValue.Parse(cacheControl);
        return response;
    }

    private static HttpResponseMessage Revalidated(RecordedRequest request, List<string> conditional)
    {
        conditional.AddRange(request.IfNoneMatch);
        return request.IfNoneMatch.Contains("\"v1\"") ? new HttpResponseMessage(HttpStatusCode.NotModified) : Me("Someone else");
    }

    public async ValueTask DisposeAsync()
    {
        Assert.Empty(Provider.Unexpected);
        await _app.DisposeAsync();
    }
}
