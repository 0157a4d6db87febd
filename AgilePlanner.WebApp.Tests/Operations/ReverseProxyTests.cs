using System.Net;
using System.Text.Json;
using AgilePlanner.WebApp.Hosting;
using AgilePlanner.WebApp.Security;
using AgilePlanner.WebApp.Tests.Infrastructure;
using AngleSharp.Dom;
using AngleSharp.Html.Dom;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.DependencyInjection;

namespace AgilePlanner.WebApp.Tests.Operations;

/// <summary>The address the app believes it serves at (and builds <c>redirect_uri</c> from), as <c>/healthz</c> reports it.</summary>
public sealed class ReverseProxyTests : IAsyncLifetime
{
    private static readonly IPAddress Proxy = IPAddress.Parse("203.0.113.7");

    private readonly AgilePlannerAppFactory _app = new();

    [Fact]
    public async Task Forwarded_headers_from_a_proxy_that_is_not_configured_are_ignored()
    {
        var baseUrl = await BaseUrlSeenFromAsync(Proxy, forwardedProto: "https", forwardedHost: "planner.example.com");

        Assert.Equal("http://localhost", baseUrl);
    }

    [Fact]
    public async Task Forwarded_headers_from_a_configured_proxy_are_honoured()
    {
        _app.With("ForwardedHeaders:KnownProxies:0", Proxy.ToString()).With("AllowedHosts", "planner.example.com");

        var baseUrl = await BaseUrlSeenFromAsync(Proxy, forwardedProto: "https", forwardedHost: "planner.example.com");

        Assert.Equal("https://planner.example.com", baseUrl);
    }

    [Theory]
    [InlineData(null, "planner.example.com")]
    [InlineData("other.example.com", "planner.example.com")]
    [InlineData("*.example.com", "example.com")]
    [InlineData("planner.example.com", "planner.example.com:99999")]
    [InlineData("planner.example.com", "planner..example.com")]
    public async Task A_forwarded_host_that_is_not_allowed_or_malformed_gets_the_400_page_with_the_apps_headers(string? allowedHosts, string forwardedHost)
    {
        _app.With("ForwardedHeaders:KnownProxies:0", Proxy.ToString()).With("AllowedHosts", allowedHosts);

        var context = await SendFromProxyAsync("/account", forwardedProto: "https", forwardedHost: forwardedHost);

        Assert.Equal(StatusCodes.Status400BadRequest, context.Response.StatusCode);
        Assert.Equal(SecurityHeadersMiddleware.ContentSecurityPolicy, context.Response.Headers.ContentSecurityPolicy.ToString());
        var page = await new StreamReader(context.Response.Body).ReadToEndAsync(TestContext.Current.CancellationToken);
        Assert.Contains("Unknown address", page);
        Assert.Contains("AgilePlanner:PublicBaseUrl", page);
    }

    [Theory]
    [InlineData("*.example.com", "planner.example.com", "https://planner.example.com")]
    [InlineData("a.example.org;planner.example.com", "PLANNER.example.com", "https://PLANNER.example.com")]
    [InlineData("planner.example.com", "127.0.0.9:9000", "https://127.0.0.9:9000")]
    [InlineData("planner.example.com", "[::1]:9000", "https://[::1]:9000")]
    public async Task Allowed_hosts_and_loopback_names_on_any_port_are_answered(string allowedHosts, string forwardedHost, string expected)
    {
        _app.With("ForwardedHeaders:KnownProxies:0", Proxy.ToString()).With("AllowedHosts", allowedHosts);

        var baseUrl = await BaseUrlSeenFromAsync(Proxy, forwardedProto: "https", forwardedHost: forwardedHost);

        Assert.Equal(expected, baseUrl);
    }

    [Fact]
    public async Task Without_allowed_hosts_the_public_base_urls_host_is_the_one_allowed()
    {
        _app.With("AgilePlanner:PublicBaseUrl", "https://planner.example.com");

        var context = await SendFromProxyAsync("/account", forwardedProto: "https", forwardedHost: "evil.example");

        Assert.NotEqual(StatusCodes.Status400BadRequest, context.Response.StatusCode);
        Assert.Equal(["planner.example.com"], _app.Services.GetRequiredService<AllowedHosts>().Configured);
    }

    [Fact]
    public async Task Forwarded_headers_from_a_configured_network_are_honoured_and_others_are_not()
    {
        _app.With("ForwardedHeaders:KnownNetworks", "10.0.0.0/8, 203.0.113.0/24").With("AllowedHosts", "planner.example.com");

        var fromNetwork = await BaseUrlSeenFromAsync(Proxy, forwardedProto: "https", forwardedHost: "planner.example.com");
        var fromElsewhere = await BaseUrlSeenFromAsync(IPAddress.Parse("198.51.100.9"), forwardedProto: "https", forwardedHost: "evil.example");

        Assert.Equal("https://planner.example.com", fromNetwork);
        Assert.Equal("http://localhost", fromElsewhere);
    }

    [Fact]
    public async Task A_public_base_url_fixes_scheme_and_host_whatever_the_headers_say()
    {
        _app.With("AgilePlanner:PublicBaseUrl", "https://planner.example.com");

        var baseUrl = await BaseUrlSeenFromAsync(Proxy, forwardedProto: "http", forwardedHost: "evil.example");

        Assert.Equal("https://planner.example.com", baseUrl);
    }

    [Theory]
    [InlineData(null, "http://localhost/callback")]
    [InlineData("203.0.113.7", "https://planner.example.com/callback")]
    public async Task The_redirect_uri_sent_to_the_provider_follows_only_a_configured_proxy(string? knownProxy, string redirectUri)
    {
        _app.With("ForwardedHeaders:KnownProxies:0", knownProxy).With("AllowedHosts", "planner.example.com");

        var context = await SendFromProxyAsync("/connect", forwardedProto: "https", forwardedHost: "planner.example.com");

        Assert.Equal(StatusCodes.Status302Found, context.Response.StatusCode);
        var authorize = new Uri(context.Response.Headers.Location.ToString());
        Assert.Equal(redirectUri, QueryHelpers.ParseQuery(authorize.Query)["redirect_uri"].ToString());
    }

    [Fact]
    public async Task A_proxy_on_loopback_forwarding_an_allowed_host_gets_the_page_and_a_redirect_uri_on_that_host()
    {
        await using var app = new KestrelSandboxApp();
        app.With("AllowedHosts", "planner.example.org");
        await app.StartReadyAsync();
        using var browser = app.CreateKestrelBrowser(new HostHeader());

        using var home = await browser.SendAsync(ForwardedFromLoopback("/", "planner.example.org"), TestContext.Current.CancellationToken);
        using var connect = await browser.SendAsync(ForwardedFromLoopback("/connect", "planner.example.org"), TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, home.StatusCode);
        Assert.DoesNotContain("Unknown address", await home.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
        Assert.Equal(HttpStatusCode.Found, connect.StatusCode);
        var authorize = connect.Headers.Location!;
        Assert.Equal("https://planner.example.org/callback", QueryHelpers.ParseQuery(authorize.Query)["redirect_uri"].ToString());
        Assert.Equal("https://planner.example.org/sandbox/oauth/authorize", authorize.GetLeftPart(UriPartial.Path));
    }

    [Fact]
    public async Task A_proxy_on_loopback_forwarding_a_host_that_is_not_allowed_gets_the_400_page_and_no_back_channel_call()
    {
        await using var app = new KestrelSandboxApp();
        app.With("AllowedHosts", "planner.example.org");
        await app.StartReadyAsync();
        using var browser = app.CreateKestrelBrowser(new HostHeader());
        await SignInAtTheSandboxAsync(browser);
        using var direct = await browser.GetAsync("/account", TestContext.Current.CancellationToken);
        var callsBefore = app.BackChannel.Count;

        var answers = new List<(string Path, HttpStatusCode Status, string Page)>();
        foreach (var path in new[] { "/account", "/projects", "/console?path=/me", "/connect" })
        {
            using var response = await browser.SendAsync(ForwardedFromLoopback(path, "evil.example"), TestContext.Current.CancellationToken);
            answers.Add((path, response.StatusCode, await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken)));
        }

        // The session is good: the same page without the hostile host reads the account from the sandbox.
        Assert.Equal(HttpStatusCode.OK, direct.StatusCode);
        Assert.Contains(app.BackChannel, call => call.Uri.AbsolutePath.EndsWith("/me", StringComparison.Ordinal));
        Assert.Equal(callsBefore, app.BackChannel.Count);
        Assert.All(answers, answer =>
        {
            Assert.True(answer.Status == HttpStatusCode.BadRequest, $"{answer.Path} answered {(int)answer.Status}");
            Assert.Contains("Unknown address", answer.Page);
        });
    }

    private static HttpRequestMessage ForwardedFromLoopback(string path, string forwardedHost)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Add("X-Forwarded-Host", forwardedHost);
        request.Headers.Add("X-Forwarded-Proto", "https");
        request.Headers.Add("X-Forwarded-For", "192.0.2.10");
        return request;
    }

    /// <summary>Connect, sign in at the sandbox and Allow, on the browser's own loopback address.</summary>
    private static async Task SignInAtTheSandboxAsync(HttpClient browser)
    {
        var signIn = await ClientFlow.PageAsync(browser, "/connect");
        var consent = await ClientFlow.FollowAsync(browser, await browser.SubmitAsync(
            signIn.Page.QuerySelector<IHtmlFormElement>("form[action='/sandbox/signin']")!,
            new Dictionary<string, string> { ["Email"] = SandboxUser.DemoEmail, ["Password"] = SandboxUser.DemoPassword }));
        var consentForm = (await Html.ParseAsync(consent)).QuerySelector<IHtmlFormElement>("form[action='/sandbox/oauth/authorize']")!;
        var account = await ClientFlow.FollowAsync(browser, await browser.SubmitAsync(consentForm, submitButton: consentForm.ButtonNamed("Allow")));
        Assert.Equal("/account", account.RequestMessage!.RequestUri!.AbsolutePath);
    }

    [Theory]
    [InlineData("ForwardedHeaders:KnownProxies:0", "proxy.example", "ForwardedHeaders:KnownProxies")]
    [InlineData("ForwardedHeaders:KnownNetworks:0", "10.0.0.0/99", "ForwardedHeaders:KnownNetworks")]
    [InlineData("AgilePlanner:PublicBaseUrl", "planner.example.com", "AgilePlanner:PublicBaseUrl")]
    [InlineData("AgilePlanner:PublicBaseUrl", "https://planner.example.com/app", "AgilePlanner:PublicBaseUrl")]
    [InlineData("AllowedHosts", "https://planner.example.com", "AllowedHosts")]
    [InlineData("AllowedHosts", "planner.example.com:443", "AllowedHosts")]
    public void A_malformed_proxy_setting_stops_the_app_at_start_naming_the_key(string key, string value, string named)
    {
        _app.With(key, value);

        var error = Assert.ThrowsAny<Exception>(() => _app.Server);

        Assert.Contains(named, error.ToString());
    }

    private async Task<string?> BaseUrlSeenFromAsync(IPAddress remote, string forwardedProto, string forwardedHost)
    {
        var context = await SendFromProxyAsync("/healthz", forwardedProto, forwardedHost, remote);

        Assert.Equal(StatusCodes.Status200OK, context.Response.StatusCode);
        using var body = await JsonDocument.ParseAsync(context.Response.Body, cancellationToken: TestContext.Current.CancellationToken);
        return body.RootElement.GetProperty("baseUrl").GetString();
    }

    private Task<HttpContext> SendFromProxyAsync(string path, string forwardedProto, string forwardedHost, IPAddress? remote = null) =>
        _app.Server.SendAsync(http =>
        {
            http.Connection.RemoteIpAddress = remote ?? Proxy;
            http.Request.Method = HttpMethods.Get;
            http.Request.Path = path;
            http.Request.Headers.Host = "localhost";
            http.Request.Headers["X-Forwarded-For"] = "192.0.2.10";
            http.Request.Headers["X-Forwarded-Proto"] = forwardedProto;
            http.Request.Headers["X-Forwarded-Host"] = forwardedHost;
        }, TestContext.Current.CancellationToken);

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public ValueTask DisposeAsync() => _app.DisposeAsync();
}
