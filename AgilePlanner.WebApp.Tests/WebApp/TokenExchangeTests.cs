using System.Net;
using System.Text;
using AgilePlanner.WebApp.Tests.Infrastructure;

namespace AgilePlanner.WebApp.Tests.WebApp;

/// <summary>A token endpoint that refuses or fails: each case has its page, and the code is never sent twice.</summary>
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
    public async Task A_failed_code_exchange_shows_its_own_page_and_is_not_retried(int status, string body, string title)
    {
        _app.Provider.Token = (_, _) => Task.FromResult(new HttpResponseMessage((HttpStatusCode)status)
        {
            Content = new StringContent(body, Encoding.UTF8, body.StartsWith('{') ? "application/json" : "text/html"),
        });
        using var browser = _app.CreateBrowser();

        var page = await ExchangeAsync(browser);

        Assert.Equal(title, page.QuerySelector("h1")?.TextContent);
        Assert.Single(_app.Provider.TokenRequests);
        Assert.Empty(_app.Provider.ApiRequests);
        await AssertNotConnectedAsync(browser);
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

    [Fact]
    public async Task A_redirect_from_the_token_endpoint_is_not_followed()
    {
        _app.Provider.Token = (_, _) => Task.FromResult(new HttpResponseMessage(HttpStatusCode.TemporaryRedirect)
        {
            Headers = { Location = new Uri("https://provider.test/elsewhere") },
        });
        using var browser = _app.CreateBrowser();

        var page = await ExchangeAsync(browser);

        Assert.Equal("Agile Planner's answer could not be read", page.QuerySelector("h1")?.TextContent);
        Assert.Single(_app.Provider.Requests);
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
