using System.Net;
using System.Text;
using AgilePlanner.WebApp.Tests.Infrastructure;

namespace AgilePlanner.WebApp.Tests.WebApp;

/// <summary>
/// The token answers the client accepts and refuses (RFC 6749 section 5.1, RFC 6750), the matrix SECURITY.md keeps: each refused
/// answer has its page and a log line without secrets, never a session, and the code is never sent twice.
/// </summary>
public sealed class TokenExchangeTests : IAsyncDisposable
{
    private readonly ClientAppFactory _app = new();

    [Theory]
    [InlineData(400, "{\"error\":\"invalid_grant\",\"error_description\":\"The code was already used\"}", "The authorization was not accepted")]
    [InlineData(401, "{\"error\":\"invalid_client\"}", "Agile Planner did not recognise this app")]
    [InlineData(400, "{\"error\":\"invalid_request\"}", "Agile Planner refused the token request")]
    [InlineData(400, "<html>Bad Request</html>", "Agile Planner's answer could not be read")]
    [InlineData(200, "<html>Welcome</html>", "Agile Planner's answer could not be read")]
    [InlineData(200, "{\"token_type\":\"Bearer\"}", "Agile Planner's answer could not be read")]
    [InlineData(200, "{\"access_token\":\"x\",\"token_type\":\"mac\"}", "Agile Planner's answer could not be read")]
    [InlineData(500, "{\"error\":\"server_error\"}", "Agile Planner's token service failed")]
    [InlineData(503, "Service Unavailable", "Agile Planner's token service failed")]
    [InlineData(200, "[{\"access_token\":\"x\",\"token_type\":\"Bearer\"}]", Unreadable)]
    [InlineData(200, "\"x\"", Unreadable)]
    [InlineData(200, "", Unreadable)]
    [InlineData(200, "{\"access_token\":\"x\"}", Unreadable)]
    [InlineData(200, "{\"access_token\":\"x\",\"token_type\":5}", Unreadable)]
    [InlineData(200, "{\"access_token\":\"\",\"token_type\":\"Bearer\"}", Unreadable)]
    [InlineData(200, "{\"access_token\":42,\"token_type\":\"Bearer\"}", Unreadable)]
    [InlineData(200, "{\"access_token\":\"x\",\"token_type\":\"Bearer\",\"access_token\":\"y\"}", Unreadable)]
    [InlineData(200, "{\"access_token\":\"x\",\"token_type\":\"Bearer\",\"expires_in\":0}", Unreadable)]
    [InlineData(200, "{\"access_token\":\"x\",\"token_type\":\"Bearer\",\"expires_in\":-60}", Unreadable)]
    [InlineData(200, "{\"access_token\":\"x\",\"token_type\":\"Bearer\",\"expires_in\":0.5}", Unreadable)]
    [InlineData(200, "{\"access_token\":\"x\",\"token_type\":\"Bearer\",\"expires_in\":\"an hour\"}", Unreadable)]
    [InlineData(200, "{\"access_token\":\"x\",\"token_type\":\"Bearer\",\"expires_in\":true}", Unreadable)]
    [InlineData(200, "{\"access_token\":\"x\",\"token_type\":\"Bearer\",\"refresh_token\":7}", Unreadable)]
    [InlineData(200, "{\"access_token\":\"x\",\"token_type\":\"Bearer\",\"scope\":[\"read\"]}", Unreadable)]
    [InlineData(200, "<!doctype html><title>Error</title><h1>Something went wrong</h1>", Unreadable)]
    public async Task A_failed_code_exchange_shows_its_own_page_and_is_not_retried(int status, string body, string title)
    {
        _app.Provider.Token = (_, _) => Task.FromResult(new HttpResponseMessage((HttpStatusCode)status)
        {
            Content = new StringContent(body, Encoding.UTF8, body.StartsWith('<') || body.StartsWith('S') ? "text/html" : "application/json"),
        });
        using var browser = _app.CreateBrowser();

        var page = await ExchangeAsync(browser);

        Assert.Equal(title, page.QuerySelector("h1")?.TextContent);
        Assert.Single(_app.Provider.TokenRequests);
        Assert.Empty(_app.Provider.ApiRequests);
        await AssertNotConnectedAsync(browser);
        AssertLoggedWithoutSecrets(status);
    }

    [Theory]
    [InlineData("\"token_type\":\"bearer\",\"expires_in\":3600", 3600)]
    [InlineData("\"token_type\":\"BEARER\",\"expires_in\":\"3600\"", 3600)]
    [InlineData("\"token_type\":\"Bearer\",\"expires_in\":3599.5", 3599)]
    [InlineData("\"token_type\":\"Bearer\",\"expires_in\":1e12", OneYear)]
    [InlineData("\"token_type\":\"Bearer\",\"expires_in\":2147483647", OneYear)]
    [InlineData("\"token_type\":\"Bearer\"", null)]
    [InlineData("\"token_type\":\"Bearer\",\"expires_in\":null", null)]
    public async Task Accepted_answers_connect_with_the_lifetime_the_client_believes(string fields, int? believedSeconds)
    {
        _app.Provider.Token = (_, _) => Task.FromResult(new HttpResponseMessage(HttpStatusCode.OK)
        {
            Content = new StringContent($"{{\"access_token\":\"access-{Guid.NewGuid():N}\",\"refresh_token\":\"refresh-{Guid.NewGuid():N}\",{fields}}}", Encoding.UTF8, "application/json"),
        });
        _app.Provider.ServingApi();
        using var browser = _app.CreateBrowser();
        var connectedAt = _app.Time.GetUtcNow();

        var account = await Html.ParseAsync(await ClientFlow.ConnectAsync(browser));

        Assert.Equal("Ada Lovelace", account.QuerySelector("[data-field=name]")?.TextContent);
        Assert.NotEmpty(_app.Provider.ApiRequests);
        Assert.All(_app.Provider.ApiRequests, r => Assert.StartsWith("Bearer access-", r.Authorization));
        Assert.Single(_app.Provider.TokenRequests);
        var (_, flow) = await ClientFlow.PageAsync(browser, "/flow");
        var expiry = flow.QuerySelector(".flow-expire p")!.TextContent;
        Assert.Contains(believedSeconds is { } seconds ? $"expires at {connectedAt.AddSeconds(seconds):HH:mm:ss} UTC" : "expires when the provider says", expiry);
    }

    [Fact]
    public async Task Without_expires_in_the_token_is_used_until_the_api_refuses_it_then_refreshed_once()
    {
        var issued = 0;
        _app.Provider.Token = (_, _) => Task.FromResult(ProviderDouble.Json(HttpStatusCode.OK, new
        {
            access_token = $"access-{Interlocked.Increment(ref issued)}",
            token_type = "Bearer",
            refresh_token = $"refresh-{issued}",
        }));
        _app.Provider.ServingApi((request, path) => path == "me" && request.Authorization == "Bearer access-1" && _app.Provider.ApiRequests.Count > 1
            ? new HttpResponseMessage(HttpStatusCode.Unauthorized) { Headers = { { "WWW-Authenticate", "Bearer error=\"invalid_token\"" } } }
            : null);
        using var browser = _app.CreateBrowser();
        await ClientFlow.ConnectAsync(browser, "/connect?returnUrl=%2F");
        // Well past any lifetime a provider would pick by default, still inside the session's 30 idle minutes: no refresh is assumed.
        _app.Time.Advance(TimeSpan.FromMinutes(25));

        var (_, page) = await ClientFlow.PageAsync(browser, "/account");

        Assert.Equal("Ada Lovelace", page.QuerySelector("[data-field=name]")?.TextContent);
        Assert.Equal(["Bearer access-1", "Bearer access-1", "Bearer access-2"], _app.Provider.ApiRequests.Select(r => r.Authorization));
        Assert.Equal("refresh_token", _app.Provider.TokenRequests[1].Form["grant_type"]);
        Assert.Equal(2, _app.Provider.TokenRequests.Count);
    }

    [Fact]
    public async Task A_narrower_scope_than_asked_is_honoured_and_the_pages_know_write_was_not_granted()
    {
        _app.With("AgilePlanner:Scopes", "read write");
        _app.Provider.IssuingTokens(scope: "read").ServingApi(ServeProject);
        using var browser = _app.CreateBrowser();

        var authorize = await ClientFlow.StartAsync(browser);
        Assert.Equal("read write", ClientFlow.Query(authorize)["scope"]);
        await ClientFlow.FollowAsync(browser, await ClientFlow.CallbackAsync(browser, ClientFlow.Allowed(authorize)));
        var (_, project) = await ClientFlow.PageAsync(browser, "/projects/p1");

        Assert.Equal("Analytical Engine", project.QuerySelector("h1")?.TextContent);
        Assert.Empty(project.QuerySelectorAll("form.story-form"));
        Assert.Contains(project.QuerySelectorAll("main a"), a => a.TextContent.Trim() == "Allow writing");
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task An_answer_larger_than_64_KB_is_refused_and_read_no_further_than_the_limit(bool declaresItsLength)
    {
        var body = new EndlessJson();
        _app.Provider.Token = (_, _) =>
        {
            HttpContent content = declaresItsLength
                ? new StringContent("{\"access_token\":\"x\",\"token_type\":\"Bearer\",\"pad\":\"" + new string('a', 70 * 1024) + "\"}", Encoding.UTF8, "application/json")
                : new StreamContent(body);
            content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
            return Task.FromResult(new HttpResponseMessage(HttpStatusCode.OK) { Content = content });
        };
        using var browser = _app.CreateBrowser();

        var page = await ExchangeAsync(browser);

        Assert.Equal(Unreadable, page.QuerySelector("h1")?.TextContent);
        await AssertNotConnectedAsync(browser);
        Assert.True(body.Served <= 128 * 1024, $"{body.Served} bytes read of an endless answer");
        AssertLoggedWithoutSecrets(200);
    }

    [Fact]
    public async Task A_refresh_answer_that_is_not_a_token_answer_keeps_the_session_while_its_token_works_then_shows_unavailable()
    {
        _app.Provider.IssuingTokens(expiresIn: 120).ServingApi();
        using var browser = _app.CreateBrowser();
        await ClientFlow.ConnectAsync(browser, "/connect?returnUrl=%2F");
        var first = _app.Provider.Issued[0].AccessToken;
        var bodies = new Queue<string>(["{\"access_token\":\"x\",\"token_type\":\"mac\"}", "{\"access_token\":\"x\",\"token_type\":\"Bearer\",\"expires_in\":0}",
            "{\"access_token\":\"x\",\"token_type\":\"Bearer\",\"access_token\":\"y\"}", "<html>Welcome</html>", "[]"]);
        _app.Provider.Token = (_, _) => Task.FromResult(new HttpResponseMessage(HttpStatusCode.OK)
        {
            Content = new StringContent(bodies.Dequeue(), Encoding.UTF8, "application/json"),
        });

        // Within the refresh margin, each refused answer leaves the working token in place.
        _app.Time.Advance(TimeSpan.FromSeconds(80));
        for (var i = 0; i < 4; i++)
        {
            _app.Time.Advance(TimeSpan.FromSeconds(31));
            var (_, page) = await ClientFlow.PageAsync(browser, "/account");
            if (i < 1)
            {
                Assert.Equal("Ada Lovelace", page.QuerySelector("[data-field=name]")?.TextContent);
            }
            else
            {
                // Past its expiry the token is not sent again, and the page says the provider cannot be used now.
                Assert.Equal("Agile Planner is unavailable", page.QuerySelector("h1")?.TextContent);
            }
        }

        Assert.All(_app.Provider.ApiRequests, r => Assert.Equal("Bearer " + first, r.Authorization));
        Assert.Equal(5, _app.Provider.TokenRequests.Count);
        Assert.DoesNotContain(_app.Logs.Lines, line => line.Contains(first, StringComparison.Ordinal) || line.Contains(_app.Provider.Issued[0].RefreshToken, StringComparison.Ordinal));
        Assert.Equal(4, _app.Logs.GetSnapshot().Count(r => r.Id.Id == 1006 && r.Message.Contains("refresh_token", StringComparison.Ordinal) && r.Message.Contains("InvalidResponse", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task Invalid_client_shows_what_the_provider_said_about_it_encoded()
    {
        _app.Provider.Token = (_, _) => Task.FromResult(ProviderDouble.Json(HttpStatusCode.Unauthorized,
            new { error = "invalid_client", error_description = "Client authentication failed: <b>unknown</b> client_id\u0007 client-under-test." }));
        using var browser = _app.CreateBrowser();

        var page = await ExchangeAsync(browser);

        Assert.Equal("Agile Planner did not recognise this app", page.QuerySelector("h1")?.TextContent);
        Assert.Equal("invalid_client", page.QuerySelector("[data-field=error]")?.TextContent);
        Assert.Equal("Client authentication failed: <b>unknown</b> client_id client-under-test.", page.QuerySelector("[data-field=error_description]")?.TextContent);
        Assert.Empty(page.QuerySelectorAll("main b"));
        Assert.DoesNotContain(ClientAppFactory.ClientSecret, page.DocumentElement.OuterHtml);
    }

    [Fact]
    public async Task A_token_endpoint_that_does_not_answer_within_ten_seconds_gives_the_timeout_page_without_a_retry()
    {
        var arrived = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _app.Provider.Token = async (_, cancellationToken) =>
        {
            arrived.TrySetResult();
            await Task.Delay(Timeout.Infinite, cancellationToken);
            throw new InvalidOperationException("unreachable");
        };
        using var browser = _app.CreateBrowser();
        var authorize = await ClientFlow.StartAsync(browser);

        var callback = ClientFlow.CallbackAsync(browser, ClientFlow.Allowed(authorize));
        await arrived.Task.WaitAsync(TestContext.Current.CancellationToken);
        _app.Time.Advance(TimeSpan.FromSeconds(9));
        Assert.False(callback.IsCompleted);
        _app.Time.Advance(TimeSpan.FromSeconds(2));
        var page = await Html.ParseAsync(await ClientFlow.FollowAsync(browser, await callback));

        Assert.Equal("Agile Planner did not answer in time", page.QuerySelector("h1")?.TextContent);
        Assert.Single(_app.Provider.TokenRequests);
    }

    [Fact]
    public async Task An_unreachable_token_endpoint_gives_its_page()
    {
        _app.Provider.Token = (_, _) => throw new HttpRequestException("Connection refused");
        using var browser = _app.CreateBrowser();

        var page = await ExchangeAsync(browser);

        Assert.Equal("Agile Planner could not be reached", page.QuerySelector("h1")?.TextContent);
        Assert.Single(_app.Provider.TokenRequests);
    }

    [Theory]
    [InlineData(HttpStatusCode.MovedPermanently)]
    [InlineData(HttpStatusCode.Found)]
    [InlineData(HttpStatusCode.SeeOther)]
    [InlineData(HttpStatusCode.TemporaryRedirect)]
    [InlineData(HttpStatusCode.PermanentRedirect)]
    public async Task A_redirect_from_the_token_endpoint_is_not_followed(HttpStatusCode status)
    {
        _app.Provider.Token = (_, _) => Task.FromResult(new HttpResponseMessage(status)
        {
            Headers = { Location = new Uri("https://provider.test/elsewhere") },
        });
        using var browser = _app.CreateBrowser();

        var page = await ExchangeAsync(browser);

        Assert.Equal("Agile Planner's answer could not be read", page.QuerySelector("h1")?.TextContent);
        Assert.Single(_app.Provider.Requests);
    }

    private const string Unreadable = "Agile Planner's answer could not be read";

    private const int OneYear = 365 * 24 * 3600;

    /// <summary>The failure is logged as what it is, and neither the code nor the secret is in any log line.</summary>
    private void AssertLoggedWithoutSecrets(int status)
    {
        var logs = _app.Logs.AllText;
        var failed = Assert.Single(_app.Logs.GetSnapshot(), r => r.Id.Id == 1006);
        Assert.Equal(Microsoft.Extensions.Logging.LogLevel.Warning, failed.Level);
        Assert.Contains("authorization_code", failed.Message);
        Assert.Contains($"status {status}", failed.Message);
        Assert.DoesNotContain(ClientAppFactory.ClientSecret, logs);
        Assert.DoesNotContain("the-code", logs);
    }

    private static HttpResponseMessage? ServeProject(RecordedRequest request, string path) => path.Split('?')[0] switch
    {
        "projects/p1" => ProviderDouble.Json(HttpStatusCode.OK, new { id = "p1", name = "Analytical Engine", description = "", velocity = 10, memberCount = 2 }),
        "projects/p1/iterations" => ProviderDouble.Json(HttpStatusCode.OK, new
        {
            items = new[] { new { id = "i1", number = 1, name = "Sprint 1", state = "current", points = 8 } },
            nextCursor = (string?)null,
        }),
        "projects/p1/stories" => ProviderDouble.Json(HttpStatusCode.OK, new
        {
            items = new[] { new { id = "s1", title = "Mill and store", type = "feature", state = "started", points = 3 } },
            nextCursor = (string?)null,
        }),
        _ => null,
    };

    /// <summary>A JSON answer that never ends, counting what the client read of it.</summary>
    private sealed class EndlessJson : Stream
    {
        private static readonly byte[] Start = Encoding.UTF8.GetBytes("{\"access_token\":\"x\",\"token_type\":\"Bearer\",\"pad\":\"");

        private long _served;

        public long Served => Interlocked.Read(ref _served);

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => Served; set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count)
        {
            // Bounded even if the client kept reading: the test fails on the count instead of running forever.
            if (Served > 16 * 1024 * 1024)
            {
                return 0;
            }
            for (var i = 0; i < count; i++)
            {
                var at = Served + i;
                buffer[offset + i] = at < Start.Length ? Start[at] : (byte)'a';
            }
            Interlocked.Add(ref _served, count);
            return count;
        }

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }

    private async Task<AngleSharp.Html.Dom.IHtmlDocument> ExchangeAsync(HttpClient browser)
    {
        var authorize = await ClientFlow.StartAsync(browser);
        var callback = await ClientFlow.CallbackAsync(browser, ClientFlow.Allowed(authorize));
        Assert.Equal(HttpStatusCode.Redirect, callback.StatusCode);
        Assert.StartsWith("/callback/error/token_", callback.Headers.Location!.OriginalString);
        var response = await ClientFlow.FollowAsync(browser, callback);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await Html.ParseAsync(response);
    }

    private static async Task AssertNotConnectedAsync(HttpClient browser)
    {
        await ClientFlow.AssertConnectOfferedAsync(browser);
    }

    public async ValueTask DisposeAsync()
    {
        await _app.DisposeAsync();
        Assert.Empty(_app.Provider.Unexpected);
    }
}
