using System.Net;
using AgilePlanner.WebApp.Flow;
using AgilePlanner.WebApp.Tests.Infrastructure;
using AngleSharp.Html.Dom;

namespace AgilePlanner.WebApp.Tests.ApiConsole;

/// <summary>The API console at /console, against a provider double that fails on any call it was not set up for.</summary>
public sealed class ApiConsoleTests : IAsyncDisposable
{
    private readonly ClientAppFactory _app = new();

    public ApiConsoleTests()
    {
        _app.Provider.IssuingTokens().ServingApi((_, path) => path.StartsWith("projects?", StringComparison.Ordinal) || path == "projects"
            ? ProviderDouble.Json(HttpStatusCode.OK, new { items = new[] { new { id = "p1", name = "Difference Engine" }, new { id = "p2", name = "Analytical Engine" } }, nextCursor = (string?)null })
            : null);
    }

    [Fact]
    public async Task Get_me_shows_the_status_the_json_and_a_curl_command_with_the_token_masked()
    {
        using var browser = _app.CreateBrowser();
        await ClientFlow.ConnectAsync(browser);
        var before = _app.Provider.ApiRequests.Count;

        var (response, page) = await ConsoleAsync(browser, "/me");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(before + 1, _app.Provider.ApiRequests.Count);
        var call = _app.Provider.ApiRequests.Last();
        Assert.Equal("GET", call.Method);
        Assert.Equal(ProviderDouble.ApiBaseUrl + "me", call.Uri.ToString());
        var token = call.Authorization!["Bearer ".Length..];

        Assert.Equal("200", page.QuerySelector(".console-status")?.GetAttribute("data-status"));
        Assert.Contains("\"name\": \"Ada Lovelace\"", page.QuerySelector(".console-result pre.json")!.TextContent);
        Assert.Equal(
            $"curl -H 'Accept: application/json' -H 'Authorization: Bearer {Masking.Mask(token)}' '{ProviderDouble.ApiBaseUrl}me'",
            page.QuerySelector(".console-curl")!.TextContent);
        var html = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        Assert.DoesNotContain(token, html);
    }

    [Fact]
    public async Task A_console_call_is_recorded_in_the_flow_like_any_api_call()
    {
        using var browser = _app.CreateBrowser();
        await ClientFlow.ConnectAsync(browser);

        await ConsoleAsync(browser, "/projects");
        var flow = await Html.ParseAsync(await browser.GetAsync("/flow", TestContext.Current.CancellationToken));

        var last = flow.QuerySelectorAll("section.flow-step").Last();
        Assert.Equal("ApiCall", last.GetAttribute("data-kind"));
        Assert.Contains("GET " + ProviderDouble.ApiBaseUrl + "projects", last.TextContent);
    }

    [Fact]
    public async Task A_project_list_offers_the_paths_that_take_a_project_id()
    {
        using var browser = _app.CreateBrowser();
        await ClientFlow.ConnectAsync(browser);

        var (_, page) = await ConsoleAsync(browser, "/projects");

        var next = page.QuerySelectorAll(".console-next a").Select(a => a.TextContent).ToList();
        Assert.Contains("/projects/p1/iterations", next);
        Assert.Contains("/projects/p2/stories?state=started", next);
    }

    [Fact]
    public async Task The_contract_paths_are_offered_to_pick_from()
    {
        using var browser = _app.CreateBrowser();
        await ClientFlow.ConnectAsync(browser);

        var (_, page) = await ClientFlow.PageAsync(browser, "/console");

        var options = page.QuerySelectorAll("datalist#contract-paths option").Select(o => o.GetAttribute("value")).ToList();
        Assert.Equal(["/me", "/projects", "/projects/{id}", "/projects/{id}/iterations", "/projects/{id}/stories?state=started"], options);
        var form = page.QuerySelector("form.console-form") as IHtmlFormElement;
        Assert.Equal("get", form!.Method);
        Assert.Empty(page.QuerySelectorAll("script"));
    }

    [Fact]
    public async Task An_anonymous_visitor_is_offered_Connect_and_back()
    {
        using var browser = _app.CreateBrowser();

        using var response = await browser.GetAsync("/console?path=%2Fme", TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/connection/needed?returnUrl=" + Uri.EscapeDataString("/console?path=%2Fme"), response.Headers.Location?.OriginalString);
        Assert.Empty(_app.Provider.ApiRequests);
    }

    public static TheoryData<string, string> HostileInputs => new()
    {
        { "path=http%3A%2F%2Fevil.test%2Fme", "Absolute URLs are refused" },
        { "path=https%3A%2F%2Fprovider.test%2Fapi%2Fv1%2Fme", "Absolute URLs are refused" },
        { "path=%2F%2Fevil.test%2Fme", "names another host" },
        { "path=%2F%5Cevil.test", "names another host" },
        { "path=%2Fme%5C..%5Cadmin", "Backslashes are refused" },
        { "path=%2F..%2F..%2Foauth%2Ftoken", "'..' is refused" },
        { "path=%2F%252e%252e%2Foauth%2Frevoke", "'..' is refused" },
        { "path=%2F%25252E%25252E%2Fadmin", "'..' is refused" },
        { "path=%2F%252F%252Fevil.test", "Empty path segments" },
        { "path=%2Fme%250d%250aX-Injected%3A1", "control characters" },
        { "path=%2Fme%0D%0AHost%3A%20evil.test", "control characters" },
        { "path=%2Fme%2500", "control characters" },
        { "path=me", "starts with /" },
        { "path=%2Fme%23x", "Fragments" },
        { "path=%2Fprojects%2F%7Bid%7D", "Replace {id}" },
        { "path=%2Fme&method=DELETE", "Only GET requests" },
        { "path=%2Fprojects%2Fp1%2Fstories&method=POST", "Only GET requests" },
        { "path=", "Type a path" },
    };

    [Theory]
    [MemberData(nameof(HostileInputs))]
    public async Task Hostile_paths_and_methods_are_refused_with_a_clear_message_and_no_call(string query, string message)
    {
        using var browser = _app.CreateBrowser();
        await ClientFlow.ConnectAsync(browser);
        var calls = _app.Provider.Requests.Count;

        using var response = await browser.GetAsync("/console?" + query, TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var page = await Html.ParseAsync(response);
        Assert.Contains(message, page.QuerySelector(".console-refusal")!.TextContent);
        Assert.Null(page.QuerySelector(".console-result"));
        Assert.Equal(calls, _app.Provider.Requests.Count);
    }

    [Fact]
    public async Task A_post_to_the_console_changes_nothing_and_calls_nothing()
    {
        using var browser = _app.CreateBrowser();
        await ClientFlow.ConnectAsync(browser);
        var calls = _app.Provider.Requests.Count;

        using var response = await browser.PostAsync("/console", new FormUrlEncodedContent([KeyValuePair.Create("path", "/projects/p1/stories")]), TestContext.Current.CancellationToken);

        Assert.False(response.IsSuccessStatusCode);
        Assert.Equal(calls, _app.Provider.Requests.Count);
    }

    [Fact]
    public async Task An_api_error_is_shown_as_it_came_back()
    {
        _app.Provider.ServingApi((_, path) => path == "projects/nope"
            ? ProviderDouble.Json(HttpStatusCode.NotFound, new { error = "not_found", message = "No such project." })
            : null);
        using var browser = _app.CreateBrowser();
        await ClientFlow.ConnectAsync(browser);

        var (response, page) = await ConsoleAsync(browser, "/projects/nope");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("404", page.QuerySelector(".console-status")?.GetAttribute("data-status"));
        Assert.Contains("\"error\": \"not_found\"", page.QuerySelector(".console-result pre")!.TextContent);
    }

    public async ValueTask DisposeAsync()
    {
        await _app.DisposeAsync();
        Assert.Empty(_app.Provider.Unexpected);
    }

    private static async Task<(HttpResponseMessage Response, IHtmlDocument Page)> ConsoleAsync(HttpClient browser, string path)
    {
        var response = await browser.GetAsync("/console?path=" + Uri.EscapeDataString(path), TestContext.Current.CancellationToken);
        return (response, await Html.ParseAsync(response));
    }
}
