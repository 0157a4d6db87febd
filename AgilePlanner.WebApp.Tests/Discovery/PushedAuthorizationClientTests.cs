using System.Net;
using AgilePlanner.WebApp.Tests.Infrastructure;
using Microsoft.AspNetCore.WebUtilities;

namespace AgilePlanner.WebApp.Tests.Discovery;

/// <summary>The app's pushed authorization requests (RFC 9126), against the built-in sandbox and the provider double, as they cross the wire.</summary>
public sealed class PushedAuthorizationClientTests
{
    private const string ParPath = "/sandbox/oauth/par";

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_sandbox_that_requires_pushed_requests_is_pushed_to_and_the_browser_carries_only_client_id_and_request_uri()
    {
        await using var app = new SandboxAppFactory();
        app.With("Sandbox:RequirePushedAuthorization", "true");
        using var ada = await SandboxUser.SignInAsync(app);

        using var connect = await ada.Browser.GetAsync("/connect", Cancel);

        Assert.Equal(HttpStatusCode.Redirect, connect.StatusCode);
        var authorize = connect.Headers.Location!;
        Assert.Equal("/sandbox/oauth/authorize", authorize.AbsolutePath);
        var query = QueryHelpers.ParseQuery(authorize.Query);
        Assert.Equal(["client_id", "request_uri"], query.Keys.Order(StringComparer.Ordinal));
        Assert.Equal("agile-planner-connect", query["client_id"].ToString());
        Assert.StartsWith("urn:ietf:params:oauth:request_uri:", query["request_uri"].ToString());

        var push = Assert.Single(app.BackChannel, e => e.Uri.AbsolutePath == ParPath);
        Assert.Equal("POST", push.Method);
        Assert.Equal(201, push.Status);
        var pushed = QueryHelpers.ParseQuery(push.RequestBody);
        Assert.Equal("code", pushed["response_type"].ToString());
        Assert.Equal("S256", pushed["code_challenge_method"].ToString());
        Assert.False(string.IsNullOrEmpty(pushed["code_challenge"]));
        Assert.False(string.IsNullOrEmpty(pushed["state"]));
        Assert.Equal("http://localhost/callback", pushed["redirect_uri"].ToString());

        using var consent = await ada.Browser.GetAsync(authorize, Cancel);
        using var allowed = await ada.DecideAsync(consent, "Allow");
        var account = await Redirects.FollowAsync(ada.Browser, allowed, sameSiteOnly: true);
        Assert.Equal(HttpStatusCode.OK, account.StatusCode);
        Assert.Equal("/account", account.RequestMessage!.RequestUri!.AbsolutePath);
        Assert.Equal("Ada Lovelace", (await Html.ParseAsync(account)).QuerySelector("[data-field=name]")?.TextContent);
        Assert.Single(app.BackChannel, e => e.Uri.AbsolutePath == "/sandbox/oauth/token" && e.Status == 200);
    }

    [Fact]
    public async Task With_pushing_disabled_a_sandbox_that_requires_it_answers_with_its_error_page_not_a_server_error()
    {
        await using var app = new SandboxAppFactory();
        app.With("Sandbox:RequirePushedAuthorization", "true").With("AgilePlanner:PushedAuthorization", "Disable");
        using var ada = await SandboxUser.SignInAsync(app);

        using var connect = await ada.Browser.GetAsync("/connect", Cancel);
        Assert.Contains("code_challenge=", connect.Headers.Location!.Query);
        var page = await Redirects.FollowAsync(ada.Browser, await ada.Browser.GetAsync(connect.Headers.Location, Cancel), sameSiteOnly: true);

        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Equal("/callback/error/invalid_request", page.RequestMessage!.RequestUri!.AbsolutePath);
        var html = await Html.ParseAsync(page);
        Assert.Equal("Agile Planner could not accept the request", html.QuerySelector("h1")?.TextContent);
        Assert.Contains("request_uri", html.QuerySelector("[data-field=error_description]")?.TextContent);
        Assert.DoesNotContain(app.BackChannel, e => e.Uri.AbsolutePath == ParPath);
    }

    [Fact]
    public async Task A_provider_that_names_a_push_endpoint_is_pushed_to_with_the_client_authenticated()
    {
        await using var app = IssuerOnly();
        var metadata = ProviderDouble.MetadataOf();
        metadata["pushed_authorization_request_endpoint"] = ProviderDouble.Origin + "/oauth/par";
        app.Provider.ServingMetadata(metadata).IssuingTokens().ServingApi();
        app.Provider.Push = _ => ProviderDouble.Json(HttpStatusCode.Created, new { request_uri = "urn:ietf:params:oauth:request_uri:abc", expires_in = 60 });
        using var browser = app.CreateBrowser();

        var authorize = await ClientFlow.StartAsync(browser);

        Assert.Equal(
            new Dictionary<string, string> { ["client_id"] = "client-under-test", ["request_uri"] = "urn:ietf:params:oauth:request_uri:abc" },
            ClientFlow.Query(authorize));
        var push = Assert.Single(app.Provider.PushRequests).Form;
        Assert.Equal(ClientAppFactory.ClientSecret, push["client_secret"]);
        Assert.Equal("client-under-test", push["client_id"]);
        Assert.Equal("S256", push["code_challenge_method"]);

        // The provider sends the pushed state back: the callback completes as any other.
        var callback = await ClientFlow.CallbackAsync(browser, $"code=c&state={Uri.EscapeDataString(push["state"])}&iss={Uri.EscapeDataString(ProviderDouble.Issuer)}");
        Assert.Equal("/account", callback.Headers.Location!.OriginalString);
        Assert.Empty(app.Provider.Unexpected);
    }

    [Theory]
    [InlineData(400, "{\"error\":\"invalid_request\",\"error_description\":\"redirect_uri is not registered\"}", "par_rejected", "Agile Planner refused the sign-in request")]
    [InlineData(401, "{\"error\":\"invalid_client\"}", "par_rejected", "Agile Planner refused the sign-in request")]
    [InlineData(500, "oops", "par_failed", "Agile Planner did not take the sign-in request")]
    [InlineData(201, "{\"request_uri\":\"urn:x\"}", "par_failed", "Agile Planner did not take the sign-in request")]
    [InlineData(200, "<html>Welcome</html>", "par_failed", "Agile Planner did not take the sign-in request")]
    public async Task A_refused_or_failed_push_gives_its_page_and_never_an_unpushed_request(int status, string body, string code, string title)
    {
        await using var app = IssuerOnly();
        var metadata = ProviderDouble.MetadataOf();
        metadata["pushed_authorization_request_endpoint"] = ProviderDouble.Origin + "/oauth/par";
        app.Provider.ServingMetadata(metadata);
        app.Provider.Push = _ => new HttpResponseMessage((HttpStatusCode)status)
        {
            Content = new StringContent(body, System.Text.Encoding.UTF8, body.StartsWith('{') ? "application/json" : "text/html"),
        };
        using var browser = app.CreateBrowser();

        using var connect = await browser.GetAsync("/connect", Cancel);

        Assert.Equal(HttpStatusCode.Redirect, connect.StatusCode);
        Assert.Equal($"/callback/error/{code}", connect.Headers.Location!.OriginalString);
        var page = await Html.ParseAsync(await ClientFlow.FollowAsync(browser, connect));
        Assert.Equal(title, page.QuerySelector("h1")?.TextContent);
        if (status == 400)
        {
            Assert.Equal("redirect_uri is not registered", page.QuerySelector("[data-field=error_description]")?.TextContent);
        }
        Assert.DoesNotContain(ClientAppFactory.ClientSecret, page.DocumentElement.OuterHtml);
        Assert.Single(app.Provider.PushRequests);
    }

    [Fact]
    public async Task Require_without_a_push_endpoint_gives_a_page_and_sends_nothing_to_the_browser()
    {
        await using var app = IssuerOnly();
        app.With("AgilePlanner:PushedAuthorization", "Require");
        app.Provider.ServingMetadata(ProviderDouble.MetadataOf());
        using var browser = app.CreateBrowser();

        using var connect = await browser.GetAsync("/connect", Cancel);

        Assert.Equal("/callback/error/par_failed", connect.Headers.Location!.OriginalString);
        Assert.Empty(app.Provider.PushRequests);
    }

    [Fact]
    public async Task Metadata_that_requires_pushed_requests_is_pushed_to_even_with_endpoints_set_explicitly()
    {
        // The co-hosted sandbox is set explicitly by the web app; only its metadata says pushing is required.
        await using var app = new SandboxAppFactory();
        app.With("Sandbox:RequirePushedAuthorization", "true");
        using var browser = app.CreateBrowser();

        using var connect = await browser.GetAsync("/connect", Cancel);

        Assert.Contains("request_uri=", connect.Headers.Location!.Query);
        Assert.Single(app.BackChannel, e => e.Uri.AbsolutePath == "/.well-known/oauth-authorization-server/sandbox");
    }

    private static ClientAppFactory IssuerOnly()
    {
        var app = new ClientAppFactory();
        app.With("AgilePlanner:AuthorizationEndpoint", "").With("AgilePlanner:TokenEndpoint", "").With("AgilePlanner:RevocationEndpoint", "");
        return app;
    }
}
