using System.Net;
using System.Security.Cryptography;
using System.Text;
using AgilePlanner.WebApp.Tests.Infrastructure;
using Microsoft.AspNetCore.WebUtilities;

namespace AgilePlanner.WebApp.Tests.WebApp;

/// <summary>Connect Agile Planner against a provider double: the authorize URL, the code exchange, return URLs.</summary>
public sealed class ConnectTests : IAsyncDisposable
{
    private readonly ClientAppFactory _app = new();

    [Fact]
    public async Task Home_page_offers_Connect_Agile_Planner()
    {
        using var browser = _app.CreateBrowser();

        var (response, page) = await ClientFlow.PageAsync(browser, "/");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var connect = page.QuerySelectorAll("main a").Single(a => a.TextContent.Trim() == "Connect Agile Planner");
        Assert.Equal("/connect", connect.GetAttribute("href"));
    }

    [Fact]
    public async Task Connect_sends_the_browser_to_the_authorize_url_with_the_code_flow_parameters()
    {
        using var browser = _app.CreateBrowser();

        var authorize = await ClientFlow.StartAsync(browser);

        var query = ClientFlow.Query(authorize);
        Assert.Equal("code", query["response_type"]);
        Assert.Equal("client-under-test", query["client_id"]);
        Assert.Equal("http://localhost/callback", query["redirect_uri"]);
        Assert.Equal("read", query["scope"]);
        Assert.Equal("S256", query["code_challenge_method"]);
        Assert.Equal(43, query["code_challenge"].Length);
        Assert.True(query["state"].Length >= 32);
        Assert.DoesNotContain("client_secret", query.Keys);
        Assert.Empty(_app.Provider.Requests);
    }

    [Fact]
    public async Task Allowing_exchanges_the_code_once_with_the_verifier_and_the_same_redirect_uri_then_shows_the_account()
    {
        _app.Provider.IssuingTokens().ServingApi();
        using var browser = _app.CreateBrowser();

        var authorize = await ClientFlow.StartAsync(browser);
        var callback = await ClientFlow.CallbackAsync(browser, ClientFlow.Allowed(authorize, "code-123"));
        Assert.Equal("/account", callback.Headers.Location?.OriginalString);
        var account = await ClientFlow.FollowAsync(browser, callback);

        var page = await Html.ParseAsync(account);
        Assert.Equal("Ada Lovelace", page.QuerySelector("[data-field=name]")?.TextContent);
        Assert.Equal("demo@agileplanner.test", page.QuerySelector("[data-field=email]")?.TextContent);

        var token = Assert.Single(_app.Provider.TokenRequests);
        Assert.Equal("authorization_code", token.Form["grant_type"]);
        Assert.Equal("code-123", token.Form["code"]);
        Assert.Equal("client-under-test", token.Form["client_id"]);
        Assert.Equal(ClientAppFactory.ClientSecret, token.Form["client_secret"]);
        Assert.Equal(ClientFlow.Query(authorize)["redirect_uri"], token.Form["redirect_uri"]);
        // RFC 7636 section 4.6: BASE64URL(SHA256(code_verifier)) == code_challenge.
        var challenge = WebEncoders.Base64UrlEncode(SHA256.HashData(Encoding.ASCII.GetBytes(token.Form["code_verifier"])));
        Assert.Equal(ClientFlow.Query(authorize)["code_challenge"], challenge);
        Assert.Empty(_app.Provider.Unexpected);
    }

    [Fact]
    public async Task The_api_is_called_with_the_access_token_in_the_authorization_header_only()
    {
        _app.Provider.IssuingTokens().ServingApi();
        using var browser = _app.CreateBrowser();

        await ClientFlow.ConnectAsync(browser);

        Assert.NotEmpty(_app.Provider.ApiRequests);
        Assert.All(_app.Provider.ApiRequests, call =>
        {
            Assert.Matches("^Bearer access-1-[0-9a-f]{32}$", call.Authorization!);
            Assert.DoesNotContain("access-1", call.Uri.ToString());
            Assert.Empty(call.Body);
        });
    }

    [Fact]
    public async Task A_page_that_needs_a_connection_offers_Connect_and_comes_back_after_it()
    {
        _app.Provider.IssuingTokens().ServingApi((_, path) => path.StartsWith("projects", StringComparison.Ordinal)
            ? ProviderDouble.Json(HttpStatusCode.OK, new { items = new[] { new { id = "p1", name = "Difference Engine", description = "Gears", velocity = 12, memberCount = 3 } }, nextCursor = (string?)null })
            : null);
        using var browser = _app.CreateBrowser();

        var offer = await ClientFlow.AssertConnectOfferedAsync(browser, "/projects");
        Assert.Empty(_app.Provider.Requests);
        var landed = await ClientFlow.ConnectAsync(browser, offer.QuerySelectorAll("main a").Single(a => a.TextContent.Trim() == "Connect Agile Planner").GetAttribute("href")!);

        Assert.Equal("/projects", landed.RequestMessage!.RequestUri!.AbsolutePath);
        var page = await Html.ParseAsync(landed);
        Assert.Contains("Difference Engine", page.QuerySelector("main")!.TextContent);
    }

    [Theory]
    [InlineData("//evil.test")]
    [InlineData("/\\evil.test")]
    [InlineData("https://evil.test/")]
    [InlineData("http://localhost.evil.test/account")]
    [InlineData("javascript:alert(1)")]
    public async Task A_return_url_that_is_not_local_goes_home_instead(string returnUrl)
    {
        _app.Provider.IssuingTokens().ServingApi();
        using var browser = _app.CreateBrowser();

        var authorize = await ClientFlow.StartAsync(browser, "/connect?returnUrl=" + Uri.EscapeDataString(returnUrl));
        var callback = await ClientFlow.CallbackAsync(browser, ClientFlow.Allowed(authorize));

        Assert.Equal(HttpStatusCode.Redirect, callback.StatusCode);
        Assert.Equal("/", callback.Headers.Location?.OriginalString);
    }

    [Fact]
    public async Task A_local_return_url_is_followed_after_connecting()
    {
        _app.Provider.IssuingTokens().ServingApi();
        using var browser = _app.CreateBrowser();

        var authorize = await ClientFlow.StartAsync(browser, "/connect?returnUrl=" + Uri.EscapeDataString("/account?tab=1"));
        var callback = await ClientFlow.CallbackAsync(browser, ClientFlow.Allowed(authorize));

        Assert.Equal("/account?tab=1", callback.Headers.Location?.OriginalString);
    }

    [Fact]
    public async Task Asking_for_write_access_adds_the_write_scope_to_the_configured_ones()
    {
        using var browser = _app.CreateBrowser();

        var authorize = await ClientFlow.StartAsync(browser, "/connect?scope=write&returnUrl=%2Fprojects%2Fp1");

        Assert.Equal("read write", ClientFlow.Query(authorize)["scope"]);
    }

    [Fact]
    public async Task Scopes_and_pkce_follow_the_configuration()
    {
        _app.With("AgilePlanner:Scopes", "read write").With("AgilePlanner:UsePkce", "false");
        using var browser = _app.CreateBrowser();

        var query = ClientFlow.Query(await ClientFlow.StartAsync(browser));

        Assert.Equal("read write", query["scope"]);
        Assert.DoesNotContain("code_challenge", query.Keys);
    }

    public async ValueTask DisposeAsync()
    {
        await _app.DisposeAsync();
        Assert.Empty(_app.Provider.Unexpected);
    }
}
