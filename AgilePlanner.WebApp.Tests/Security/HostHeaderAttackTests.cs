using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using AgilePlanner.WebApp.Tests.Infrastructure;
using AngleSharp.Html.Dom;

namespace AgilePlanner.WebApp.Tests.Security;

/// <summary>
/// The Host-header attack of issue 13 against <c>dotnet run</c>'s defaults: a listener on a loopback port, and requests
/// that name it as their Host. The client secret, the code, the tokens must never reach it; the real sandbox gets every call.
/// </summary>
public sealed class HostHeaderAttackTests : IAsyncDisposable
{
    private readonly KestrelSandboxApp _app = new();
    private readonly HostileListener _listener = new();
    private readonly HostHeader _host = new();

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_callback_with_a_hostile_host_and_iss_exchanges_the_code_at_the_real_sandbox_and_never_at_the_listener()
    {
        await _app.StartReadyAsync();
        using var attacker = _app.CreateKestrelBrowser(_host);
        _host.Value = _listener.Host;

        var authorize = await attacker.GetAsync("/connect", Cancel);
        Assert.Equal(HttpStatusCode.Found, authorize.StatusCode);
        var state = ClientFlow.Query(authorize.Headers.Location!)["state"];
        var iss = $"http://{_listener.Host}/sandbox/";
        using var callback = await attacker.GetAsync($"/callback?code=x&state={Uri.EscapeDataString(state)}&iss={Uri.EscapeDataString(iss)}", Cancel);

        Assert.Equal(0, _listener.Connections);
        Assert.True(_app.BackChannel.Any(call => call.Uri.AbsolutePath == "/sandbox/oauth/token"), $"No token request; the callback answered {(int)callback.StatusCode} {callback.Headers.Location}");
        var exchange = Assert.Single(_app.BackChannel, call => call.Uri.AbsolutePath == "/sandbox/oauth/token");
        Assert.Equal(_app.ListeningPort, exchange.Uri.Port);
        Assert.Equal(400, exchange.Status);
        Assert.Contains("invalid_grant", exchange.ResponseBody);
        _host.Value = null;
        var account = await ClientFlow.FollowAsync(attacker, await attacker.GetAsync("/account", Cancel));
        Assert.DoesNotContain("Mallory", await account.Content.ReadAsStringAsync(Cancel));
    }

    [Fact]
    public async Task A_signed_in_user_with_a_hostile_host_gets_pages_and_console_from_the_sandbox_and_disconnect_revokes_there()
    {
        await _app.StartReadyAsync();
        using var browser = _app.CreateKestrelBrowser(_host);
        await SignInAsync(browser);
        var accessToken = AccessTokenIssued();
        _host.Value = _listener.Host;

        var account = await ClientFlow.PageAsync(browser, "/account");
        Assert.Equal("Ada Lovelace", account.Page.QuerySelector("[data-field=name]")?.TextContent);
        var projects = await ClientFlow.GetPageAsync(browser, "/projects");
        Assert.Equal(HttpStatusCode.OK, projects.StatusCode);
        var console = await ClientFlow.PageAsync(browser, "/console?path=/projects");
        Assert.Equal("200", console.Page.QuerySelector(".console-status")?.GetAttribute("data-status"));
        Assert.Contains("\"name\"", console.Page.QuerySelector(".console-result pre.json")!.TextContent);

        var disconnect = Form(account.Page, "form[action='/disconnect']");
        using var disconnected = await browser.SubmitAsync(disconnect);
        Assert.Equal(HttpStatusCode.Redirect, disconnected.StatusCode);

        Assert.Equal(0, _listener.Connections);
        Assert.All(_app.BackChannel, call => Assert.Equal(_app.ListeningPort, call.Uri.Port));
        Assert.Equal(2, _app.BackChannel.Count(call => call.Uri.AbsolutePath == "/sandbox/oauth/revoke" && call.Status == 200));
        _host.Value = null;
        using var me = new HttpRequestMessage(HttpMethod.Get, "/sandbox/api/v1/me");
        me.Headers.Authorization = new AuthenticationHeaderValue("Bearer", accessToken);
        using var afterRevocation = await browser.SendAsync(me, Cancel);
        Assert.Equal(HttpStatusCode.Unauthorized, afterRevocation.StatusCode);
    }

    [Fact]
    public async Task Hostile_hosts_make_no_connection_to_the_listener_whatever_the_page()
    {
        await _app.StartReadyAsync();
        using var browser = _app.CreateKestrelBrowser(_host);
        await SignInAsync(browser);

        foreach (var host in new[] { _listener.Host, $"localhost:{_listener.Port}", $"[::1]:{_listener.Port}", $"127.0.0.2:{_listener.Port}" })
        {
            _host.Value = host;
            foreach (var path in new[] { "/account", "/projects", "/console?path=/me", "/console?path=/projects", "/readyz", "/connect" })
            {
                using var response = await browser.GetAsync(path, Cancel);
                Assert.True((int)response.StatusCode < 500, $"{path} with Host {host} answered {(int)response.StatusCode}");
            }
        }

        Assert.Equal(0, _listener.Connections);
    }

    [Theory]
    [InlineData("evil.test")]
    [InlineData("nxdomain.invalid:8080")]
    [InlineData("203.0.113.9")]
    public async Task The_sandboxs_metadata_never_names_a_host_that_is_not_allowed(string host)
    {
        await _app.StartReadyAsync();
        using var browser = _app.CreateKestrelBrowser(_host);

        _host.Value = host;
        using var direct = await browser.GetAsync("/sandbox/.well-known/oauth-authorization-server", Cancel);
        _host.Value = null;
        using var forwarded = new HttpRequestMessage(HttpMethod.Get, "/sandbox/.well-known/oauth-authorization-server");
        forwarded.Headers.Add("X-Forwarded-Host", host);
        using var viaProxyHeader = await browser.SendAsync(forwarded, Cancel);
        using var allowed = await browser.GetAsync("/sandbox/.well-known/oauth-authorization-server", Cancel);

        Assert.Equal(HttpStatusCode.BadRequest, direct.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, viaProxyHeader.StatusCode);
        Assert.DoesNotContain(host, await direct.Content.ReadAsStringAsync(Cancel));
        using var metadata = JsonDocument.Parse(await allowed.Content.ReadAsStringAsync(Cancel));
        Assert.Equal($"http://localhost:{_app.ListeningPort}/sandbox/", metadata.RootElement.GetProperty("issuer").GetString());
    }

    private string AccessTokenIssued()
    {
        var exchange = _app.BackChannel.Last(call => call.Uri.AbsolutePath == "/sandbox/oauth/token" && call.Status == 200);
        using var json = JsonDocument.Parse(exchange.ResponseBody);
        return json.RootElement.GetProperty("access_token").GetString()!;
    }

    private static async Task SignInAsync(HttpClient browser)
    {
        var signIn = await ClientFlow.PageAsync(browser, "/connect");
        var signInResponse = await Redirects.FollowAsync(browser, await browser.SubmitAsync(Form(signIn.Page, "form[action='/sandbox/signin']"),
            new Dictionary<string, string> { ["Email"] = SandboxUser.DemoEmail, ["Password"] = SandboxUser.DemoPassword }));
        var consent = await Html.ParseAsync(signInResponse);
        var consentForm = Form(consent, "form[action='/sandbox/oauth/authorize']");
        var account = await Redirects.FollowAsync(browser, await browser.SubmitAsync(consentForm, submitButton: consentForm.ButtonNamed("Allow")));
        Assert.Equal("/account", account.RequestMessage!.RequestUri!.AbsolutePath);
    }

    private static IHtmlFormElement Form(IHtmlDocument page, string selector) =>
        page.QuerySelector(selector) as IHtmlFormElement ?? throw new InvalidOperationException($"No {selector} on {page.Url}: {page.Title}");


    public async ValueTask DisposeAsync()
    {
        _listener.Dispose();
        await _app.DisposeAsync();
    }
}
