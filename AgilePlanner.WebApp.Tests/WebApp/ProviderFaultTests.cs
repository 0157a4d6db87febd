using System.Net;
using AgilePlanner.WebApp.Tests.Infrastructure;
using AngleSharp.Dom;
using AngleSharp.Html.Dom;

namespace AgilePlanner.WebApp.Tests.WebApp;

/// <summary>
/// Agile Planner down (connections refused), slow (never answering) or failing (500s): a clear page within the
/// back-channel timeout, never a 500, nothing secret shown or logged as an error, and the app recovers by itself.
/// </summary>
public sealed class ProviderFaultTests : IAsyncDisposable
{
    private static readonly TimeSpan BackchannelTimeout = TimeSpan.FromSeconds(10);

    private readonly ClientAppFactory _app = new();
    private readonly ProviderOutage _outage = new();
    private volatile bool _apiFailing;

    public ProviderFaultTests()
    {
        _app.ConfigureTestServices = _outage.Install;
    }

    private ProviderDouble Provider => _app.Provider;

    [Fact]
    public async Task An_api_that_keeps_failing_opens_the_circuit_for_every_user_and_it_closes_by_itself_when_the_api_is_back()
    {
        Provider.IssuingTokens().ServingApi(FailingWhileAsked);
        using var ada = _app.CreateBrowser();
        using var other = _app.CreateBrowser();
        await ConnectAsync(ada);
        await ConnectAsync(other);
        _apiFailing = true;

        // Each page load retries its GET, until the circuit opens and a load makes no call at all.
        for (var load = 1; ; load++)
        {
            Assert.True(load <= 8, "The circuit never opened: every page load still called the failing API.");
            var before = Provider.ApiRequests.Count;
            await AssertUnavailableAsync(await PumpTimeAsync(ada.GetAsync("/account", TestContext.Current.CancellationToken)));
            if (Provider.ApiRequests.Count == before)
            {
                break;
            }
        }
        // Not before MinimumThroughput (10) calls were seen, the sign-ins' two successes included: most had failed.
        Assert.True(Provider.ApiRequests.Count >= 10, $"The circuit opened after {Provider.ApiRequests.Count} calls.");

        // Open: pages are answered at once, with no call to the provider, for this user and any other.
        var callsWhenOpen = Provider.ApiRequests.Count;
        await AssertUnavailableAsync(await WithoutWaitingAsync(ada.GetAsync("/account", TestContext.Current.CancellationToken)));
        await AssertUnavailableAsync(await WithoutWaitingAsync(other.GetAsync("/projects", TestContext.Current.CancellationToken)));
        Assert.Equal(callsWhenOpen, Provider.ApiRequests.Count);

        // The API is back, but the circuit stays open for its break duration...
        _apiFailing = false;
        await AssertUnavailableAsync(await WithoutWaitingAsync(other.GetAsync("/account", TestContext.Current.CancellationToken)));
        Assert.Equal(callsWhenOpen, Provider.ApiRequests.Count);

        // ...then lets one trial call through, which closes it: both users see their data again, nothing restarted.
        _app.Time.Advance(TimeSpan.FromSeconds(15));
        await AssertAccountShownAsync(ada);
        Assert.Equal(callsWhenOpen + 1, Provider.ApiRequests.Count);
        await AssertAccountShownAsync(other);
        Assert.Equal(callsWhenOpen + 2, Provider.ApiRequests.Count);
        AssertNoErrorWithAStackTraceLogged();
    }

    [Fact]
    public async Task One_user_spending_their_tokens_allowance_and_asking_for_missing_things_does_not_open_the_circuit_for_another()
    {
        string? spender = null;
        Provider.IssuingTokens().ServingApi((request, path) => request.Authorization != spender
            ? ProjectsPage(request, path)
            : path.StartsWith("projects?", StringComparison.Ordinal)
                ? new HttpResponseMessage(HttpStatusCode.TooManyRequests) { Headers = { RetryAfter = new System.Net.Http.Headers.RetryConditionHeaderValue(TimeSpan.FromSeconds(1)) } }
                : new HttpResponseMessage(HttpStatusCode.NotFound));
        using var ada = _app.CreateBrowser();
        using var other = _app.CreateBrowser();
        await ConnectAsync(ada);
        spender = "Bearer " + Provider.Issued[0].AccessToken;
        await ConnectAsync(other);

        for (var load = 0; load < 4; load++)
        {
            using var projects = await PumpTimeAsync(ada.GetAsync("/projects", TestContext.Current.CancellationToken));
            Assert.NotEqual(HttpStatusCode.InternalServerError, projects.StatusCode);
            using var missing = await WithoutWaitingAsync(ada.GetAsync("/console?path=/projects/999", TestContext.Current.CancellationToken));
            using var missingToo = await WithoutWaitingAsync(ada.GetAsync("/console?path=/projects/998/iterations", TestContext.Current.CancellationToken));
        }
        Assert.True(Provider.ApiRequests.Count(r => r.Authorization == spender) >= 20, "The spender made too few calls to test the circuit.");

        var before = Provider.ApiRequests.Count;
        using var othersPage = await WithoutWaitingAsync(other.GetAsync("/projects", TestContext.Current.CancellationToken));
        Assert.Equal(HttpStatusCode.OK, othersPage.StatusCode);
        Assert.Contains("Difference Engine", await othersPage.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
        Assert.True(Provider.ApiRequests.Count > before);
    }

    [Fact]
    public async Task A_token_endpoint_that_refuses_connections_gives_a_clear_page_and_the_next_connect_succeeds()
    {
        Provider.IssuingTokens().ServingApi();
        _outage.Token = Outage.Refused;
        using var browser = _app.CreateBrowser();
        var authorize = await ClientFlow.StartAsync(browser);

        var callback = await ClientFlow.CallbackAsync(browser, ClientFlow.Allowed(authorize, "code-sent-while-down"));

        Assert.Equal(HttpStatusCode.Redirect, callback.StatusCode);
        Assert.Equal("/callback/error/token_unreachable", callback.Headers.Location?.OriginalString);
        var page = await AssertClearPageAsync(await ClientFlow.FollowAsync(browser, callback), HttpStatusCode.OK, "Agile Planner could not be reached", "code-sent-while-down");
        Assert.Contains(page.QuerySelectorAll("main a"), a => a.TextContent.Trim() == "Connect again");
        Assert.Equal(1, _outage.Refused);
        Assert.Empty(Provider.TokenRequests);
        AssertWarned(1006, "failed: Unreachable");
        AssertNoErrorWithAStackTraceLogged();

        _outage.End();
        await AssertAccountShownAsync(browser, await ClientFlow.ConnectAsync(browser));
        Assert.Single(Provider.TokenRequests);
        Assert.Equal(1, _outage.Refused);
    }

    [Theory]
    [InlineData("/account")]
    [InlineData("/projects")]
    public async Task An_api_that_refuses_connections_gives_the_unavailable_page_and_the_next_page_shows_data_again(string path)
    {
        Provider.IssuingTokens().ServingApi(ProjectsPage);
        using var browser = _app.CreateBrowser();
        await ConnectAsync(browser);
        _outage.Api = Outage.Refused;

        await AssertUnavailableAsync(await PumpTimeAsync(browser.GetAsync(path, TestContext.Current.CancellationToken)));

        Assert.InRange(_outage.Refused, 2, 4);
        AssertWarned(1013, "could not be completed: \"HttpRequestException\"");
        AssertNoErrorWithAStackTraceLogged();

        _outage.End();
        var (response, page) = await ClientFlow.PageAsync(browser, path);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains(path == "/account" ? "Ada Lovelace" : "Difference Engine", page.QuerySelector("main")!.TextContent);
    }

    [Fact]
    public async Task A_revocation_endpoint_that_refuses_connections_still_ends_the_session_and_says_so()
    {
        Provider.IssuingTokens().ServingApi();
        Provider.Revoke = _ => new HttpResponseMessage(HttpStatusCode.OK);
        using var browser = _app.CreateBrowser();
        var account = await Html.ParseAsync(await ClientFlow.ConnectAsync(browser));
        _outage.Revocation = Outage.Refused;

        var home = await ClientFlow.FollowAsync(browser, await browser.SubmitAsync(DisconnectForm(account)));

        var page = await AssertClearPageAsync(home, HttpStatusCode.OK, "Agile Planner Connect");
        Assert.Contains("Agile Planner could not confirm the access was cancelled", page.QuerySelector(".flash")?.TextContent);
        await AssertSignedOutAsync(browser);
        Assert.DoesNotContain(Provider.Requests, r => r.Uri.AbsolutePath == "/oauth/revoke");
        AssertWarned(1008, "Revocation of the \"refresh_token\" failed: \"HttpRequestException\"");
        // No answer for the refresh token, so the access token was not tried: the user does not wait twice.
        Assert.Equal(1, _outage.Refused);
        AssertNoErrorWithAStackTraceLogged();

        _outage.End();
        account = await Html.ParseAsync(await ClientFlow.ConnectAsync(browser));
        home = await ClientFlow.FollowAsync(browser, await browser.SubmitAsync(DisconnectForm(account)));
        Assert.Contains("Agile Planner has cancelled this app's access", (await Html.ParseAsync(home)).QuerySelector(".flash")?.TextContent);
        Assert.Equal(
            [Provider.Issued[1].RefreshToken, Provider.Issued[1].AccessToken],
            Provider.Requests.Where(r => r.Uri.AbsolutePath == "/oauth/revoke").Select(r => r.Form["token"]));
    }

    [Fact]
    public async Task A_token_endpoint_that_hangs_gives_the_took_too_long_page_at_ten_seconds_and_the_next_connect_succeeds()
    {
        Provider.IssuingTokens().ServingApi();
        _outage.Token = Outage.Hanging;
        using var browser = _app.CreateBrowser();
        var authorize = await ClientFlow.StartAsync(browser);

        var callback = ClientFlow.CallbackAsync(browser, ClientFlow.Allowed(authorize));
        await _outage.WaitForHungAsync(1);
        _app.Time.Advance(BackchannelTimeout - TimeSpan.FromSeconds(1));
        await Task.WhenAny(callback, Task.Delay(100, TestContext.Current.CancellationToken));
        Assert.False(callback.IsCompleted);
        _app.Time.Advance(TimeSpan.FromSeconds(1));
        var answer = await WithoutWaitingAsync(callback);

        Assert.Equal("/callback/error/token_timeout", answer.Headers.Location?.OriginalString);
        await AssertClearPageAsync(await ClientFlow.FollowAsync(browser, answer), HttpStatusCode.OK, "Agile Planner did not answer in time");
        Assert.Equal(1, _outage.Hung);
        Assert.Equal(0, _outage.Hanging);
        AssertWarned(1006, "failed: Timeout");
        AssertNoErrorWithAStackTraceLogged();

        _outage.End();
        await AssertAccountShownAsync(browser, await ClientFlow.ConnectAsync(browser));
        Assert.Single(Provider.TokenRequests);
    }

    [Fact]
    public async Task An_api_that_hangs_gives_the_unavailable_page_within_ten_seconds_and_the_next_page_shows_data_again()
    {
        Provider.IssuingTokens().ServingApi();
        using var browser = _app.CreateBrowser();
        await ConnectAsync(browser);
        _outage.Api = Outage.Hanging;

        var pending = browser.GetAsync("/account", TestContext.Current.CancellationToken);
        await _outage.WaitForHungAsync(1);
        var response = await PumpTimeAsync(pending, until: _app.Time.GetUtcNow() + BackchannelTimeout);

        await AssertUnavailableAsync(response);
        // The 4 s attempt timeout cut the first call short, so the GET was tried again before the 10 s ran out.
        Assert.InRange(_outage.Hung, 2, 3);
        Assert.Equal(0, _outage.Hanging);
        AssertNoErrorWithAStackTraceLogged();

        _outage.End();
        await AssertAccountShownAsync(browser);
    }

    [Fact]
    public async Task A_revocation_endpoint_that_hangs_ends_the_session_within_ten_seconds_and_says_so()
    {
        Provider.IssuingTokens().ServingApi();
        Provider.Revoke = _ => new HttpResponseMessage(HttpStatusCode.OK);
        using var browser = _app.CreateBrowser();
        var account = await Html.ParseAsync(await ClientFlow.ConnectAsync(browser));
        _outage.Revocation = Outage.Hanging;

        var disconnect = browser.SubmitAsync(DisconnectForm(account));
        await _outage.WaitForHungAsync(1);
        var home = await ClientFlow.FollowAsync(browser, await PumpTimeAsync(disconnect, until: _app.Time.GetUtcNow() + BackchannelTimeout));

        var page = await AssertClearPageAsync(home, HttpStatusCode.OK, "Agile Planner Connect");
        Assert.Contains("Agile Planner could not confirm the access was cancelled", page.QuerySelector(".flash")?.TextContent);
        Assert.Equal(1, _outage.Hung);
        Assert.Equal(0, _outage.Hanging);
        await AssertSignedOutAsync(browser);
        AssertNoErrorWithAStackTraceLogged();

        _outage.End();
        account = await Html.ParseAsync(await ClientFlow.ConnectAsync(browser));
        home = await ClientFlow.FollowAsync(browser, await browser.SubmitAsync(DisconnectForm(account)));
        Assert.Contains("Agile Planner has cancelled this app's access", (await Html.ParseAsync(home)).QuerySelector(".flash")?.TextContent);
        Assert.Equal(2, Provider.Requests.Count(r => r.Uri.AbsolutePath == "/oauth/revoke"));
    }

    [Fact]
    public async Task An_api_that_asks_to_wait_longer_than_the_timeout_gives_the_unavailable_page_without_waiting_it_out()
    {
        Provider.IssuingTokens().ServingApi((_, path) => _apiFailing
            ? new HttpResponseMessage(HttpStatusCode.TooManyRequests) { Headers = { RetryAfter = new System.Net.Http.Headers.RetryConditionHeaderValue(TimeSpan.FromMinutes(5)) } }
            : null);
        using var browser = _app.CreateBrowser();
        await ConnectAsync(browser);
        _apiFailing = true;
        var before = Provider.ApiRequests.Count;

        var pending = browser.GetAsync("/account", TestContext.Current.CancellationToken);
        while (Provider.ApiRequests.Count == before)
        {
            await Task.Delay(5, TestContext.Current.CancellationToken);
        }
        await AssertUnavailableAsync(await PumpTimeAsync(pending, until: _app.Time.GetUtcNow() + BackchannelTimeout));
        Assert.Equal(before + 1, Provider.ApiRequests.Count);

        _apiFailing = false;
        await AssertAccountShownAsync(browser);
    }

    private HttpResponseMessage? FailingWhileAsked(RecordedRequest request, string path) =>
        _apiFailing ? new HttpResponseMessage(HttpStatusCode.InternalServerError) : ProjectsPage(request, path);

    private static HttpResponseMessage? ProjectsPage(RecordedRequest request, string path) => path.StartsWith("projects?", StringComparison.Ordinal)
        ? ProviderDouble.Json(HttpStatusCode.OK, new { items = new[] { new { id = 7, name = "Difference Engine", description = "Tables by machine" } }, nextCursor = (string?)null })
        : null;

    /// <summary>Connects and lands on the home page.</summary>
    private static Task<HttpResponseMessage> ConnectAsync(HttpClient browser) => ClientFlow.ConnectAsync(browser, "/connect?returnUrl=%2F");

    private static IHtmlFormElement DisconnectForm(IHtmlDocument page) =>
        page.QuerySelector<IHtmlFormElement>("form[action='/disconnect']") ?? throw new InvalidOperationException("No Disconnect form on the page.");

    private async Task AssertAccountShownAsync(HttpClient browser, HttpResponseMessage? response = null)
    {
        response ??= await WithoutWaitingAsync(browser.GetAsync("/account", TestContext.Current.CancellationToken));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("Ada Lovelace", (await Html.ParseAsync(response)).QuerySelector("[data-field=name]")?.TextContent);
    }

    private Task AssertUnavailableAsync(HttpResponseMessage response) =>
        AssertClearPageAsync(response, HttpStatusCode.ServiceUnavailable, "Agile Planner is unavailable");

    /// <summary>The page has the status and title the user should see, and shows no stack trace, fault detail or secret.</summary>
    private async Task<IHtmlDocument> AssertClearPageAsync(HttpResponseMessage response, HttpStatusCode status, string title, params string[] secrets)
    {
        Assert.Equal(status, response.StatusCode);
        var page = await Html.ParseAsync(response);
        Assert.Equal(title, page.QuerySelector("h1")?.TextContent);
        // Words of a fault are looked for in what the page says (a random antiforgery token may spell "pOLLy"); secrets anywhere in it.
        var text = page.Body?.TextContent ?? string.Empty;
        foreach (var word in new[] { "Exception", "   at ", "Polly", "127.0.0.1", "refused" })
        {
            Assert.DoesNotContain(word, text, StringComparison.OrdinalIgnoreCase);
        }
        var html = page.DocumentElement.OuterHtml;
        foreach (var secret in secrets.Append(ClientAppFactory.ClientSecret).Concat(Provider.Issued.SelectMany(t => new[] { t.AccessToken, t.RefreshToken })))
        {
            Assert.DoesNotContain(secret, html, StringComparison.Ordinal);
        }
        return page;
    }

    /// <summary>The app told the operator what happened, in its own event.</summary>
    private void AssertWarned(int eventId, string text) =>
        Assert.Contains(_app.Logs.Lines, line => line.StartsWith("Warning ", StringComparison.Ordinal) && line.Contains($"[{eventId}]: ", StringComparison.Ordinal) && line.Contains(text, StringComparison.Ordinal));

    /// <summary>An expected fault is a warning for the operator, never an error with a stack trace.</summary>
    private void AssertNoErrorWithAStackTraceLogged() =>
        Assert.DoesNotContain(_app.Logs.Lines, line =>
            (line.StartsWith("Error ", StringComparison.Ordinal) || line.StartsWith("Critical ", StringComparison.Ordinal)) && line.Contains("\n   at ", StringComparison.Ordinal));

    private static async Task AssertSignedOutAsync(HttpClient browser)
    {
        await ClientFlow.AssertConnectOfferedAsync(browser);
    }

    /// <summary>
    /// Moves the app's clock on while the request waits (retry delays, timeouts), up to <paramref name="until"/>, in small
    /// steps so that the app's own work between two waits costs it little of its time.
    /// </summary>
    private async Task<HttpResponseMessage> PumpTimeAsync(Task<HttpResponseMessage> pending, DateTimeOffset? until = null)
    {
        var step = TimeSpan.FromMilliseconds(100);
        while (!pending.IsCompleted && (until is null || _app.Time.GetUtcNow() < until))
        {
            _app.Time.Advance(until is { } limit && limit - _app.Time.GetUtcNow() < step ? limit - _app.Time.GetUtcNow() : step);
            await Task.WhenAny(pending, Task.Delay(20, TestContext.Current.CancellationToken));
        }
        return await WithoutWaitingAsync(pending);
    }

    /// <summary>
    /// The request finishes while the app's clock stands still. A page still waiting on a retry delay or a timeout
    /// would hang; the bound turns that into a failure. It is far longer than a page takes, and shorter than the app's
    /// 10 s timeouts, so a timeout left on the machine's clock cannot pass for one on the app's.
    /// </summary>
    private static async Task<HttpResponseMessage> WithoutWaitingAsync(Task<HttpResponseMessage> pending)
    {
        var finished = await Task.WhenAny(pending, Task.Delay(TimeSpan.FromSeconds(5), TestContext.Current.CancellationToken));
        Assert.True(finished == pending, "The request was still waiting after the app's clock had stopped.");
        return await pending;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.DisposeAsync();
        Assert.Empty(Provider.Unexpected);
    }
}
