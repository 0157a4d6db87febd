using System.Net;
using System.Net.Sockets;
using AgilePlanner.WebApp.Tests.Infrastructure;
using AngleSharp.Html.Dom;
using Microsoft.AspNetCore.Hosting;

namespace AgilePlanner.WebApp.Tests.Operations;

/// <summary>
/// A container's port published under another number (<c>docker run -p 9000:8080</c>): the browser uses port 9000,
/// the app listens on 8080, and nothing inside answers on 9000. The built-in sandbox must still be reached.
/// </summary>
public sealed class PublishedPortTests : IAsyncDisposable
{
    private readonly PublishedApp _app = new();

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task The_whole_flow_works_when_the_browsers_port_is_not_the_one_the_app_listens_on()
    {
        _app.StartServer();
        using var browser = _app.CreateMappedBrowser();

        var signIn = await FollowAsync(browser, await browser.GetAsync("/connect", Cancel));
        Assert.Equal($"http://localhost:{_app.PublishedPort}/sandbox/signin", signIn.Url.GetLeftPart(UriPartial.Path));
        var consent = await FollowAsync(browser, await browser.SubmitAsync(Form(signIn.Page, "form[action='/sandbox/signin']"),
            new Dictionary<string, string> { ["Email"] = SandboxUser.DemoEmail, ["Password"] = SandboxUser.DemoPassword }));
        var consentForm = Form(consent.Page, "form[action='/sandbox/oauth/authorize']");
        var account = await FollowAsync(browser, await browser.SubmitAsync(consentForm, submitButton: consentForm.ButtonNamed("Allow")));

        Assert.Equal($"http://localhost:{_app.PublishedPort}/account", account.Url.GetLeftPart(UriPartial.Path));
        Assert.Equal("Ada Lovelace", account.Page.QuerySelector("[data-field=name]")?.TextContent);
    }

    [Fact]
    public async Task A_provider_configured_on_a_loopback_port_that_refuses_is_reported_not_replaced_by_the_sandbox()
    {
        var provider = $"http://localhost:{_app.PublishedPort}";
        _app.With("AgilePlanner:TokenEndpoint", $"{provider}/oauth/token").With("AgilePlanner:ApiBaseUrl", $"{provider}/api/v1/");
        _app.StartServer();
        using var browser = _app.CreateMappedBrowser();
        var authorize = await browser.GetAsync("/connect", Cancel);
        var state = ClientFlow.Query(authorize.Headers.Location!)["state"];

        var callback = await FollowAsync(browser, await browser.GetAsync($"/callback?code=a-code&state={Uri.EscapeDataString(state)}&iss={Uri.EscapeDataString($"http://localhost:{_app.PublishedPort}/sandbox/")}", Cancel));

        Assert.StartsWith("/callback/error/token_unreachable", callback.Url.PathAndQuery);
    }

    private static IHtmlFormElement Form(IHtmlDocument page, string selector) =>
        page.QuerySelector(selector) as IHtmlFormElement ?? throw new InvalidOperationException($"No {selector} on {page.Url}: {page.Title}");

    /// <summary>Follows redirects as a browser would, then reads the page.</summary>
    private static async Task<(Uri Url, IHtmlDocument Page)> FollowAsync(HttpClient browser, HttpResponseMessage response)
    {
        response = await Redirects.FollowAsync(browser, response);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (response.RequestMessage!.RequestUri!, await Html.ParseAsync(response));
    }

    public ValueTask DisposeAsync() => _app.DisposeAsync();

    /// <summary>The app on a real Kestrel port, with the sandbox's endpoints left to their defaults.</summary>
    private sealed class PublishedApp : AgilePlannerAppFactory
    {
        public PublishedApp()
        {
            UseKestrel(kestrel => kestrel.ListenLocalhost(ListeningPort));
        }

        public int ListeningPort { get; } = LoopbackPorts.Free();

        /// <summary>The port the browser uses; nothing listens on it.</summary>
        public int PublishedPort { get; } = LoopbackPorts.Free();

        /// <summary>A browser whose every connection lands on the listening port, as the container runtime's port mapping does.</summary>
        public HttpClient CreateMappedBrowser() => new(new SocketsHttpHandler
        {
            AllowAutoRedirect = false,
            CookieContainer = new CookieContainer(),
            ConnectCallback = async (_, cancellationToken) =>
            {
                var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
                await socket.ConnectAsync(new DnsEndPoint("localhost", ListeningPort), cancellationToken);
                return new NetworkStream(socket, ownsSocket: true);
            },
        })
        {
            BaseAddress = new Uri($"http://localhost:{PublishedPort}/"),
        };

        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            base.ConfigureWebHost(builder);
            builder.UseStaticWebAssets();
        }
    }
}
