using System.Net;
using System.Text.Json;
using AgilePlanner.WebApp.Tests.Infrastructure;
using Microsoft.AspNetCore.Http;

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
        _app.With("ForwardedHeaders:KnownProxies:0", Proxy.ToString());

        var baseUrl = await BaseUrlSeenFromAsync(Proxy, forwardedProto: "https", forwardedHost: "planner.example.com");

        Assert.Equal("https://planner.example.com", baseUrl);
    }

    [Fact]
    public async Task Forwarded_headers_from_a_configured_network_are_honoured_and_others_are_not()
    {
        _app.With("ForwardedHeaders:KnownNetworks", "10.0.0.0/8, 203.0.113.0/24");

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
    [InlineData("ForwardedHeaders:KnownProxies:0", "proxy.example", "ForwardedHeaders:KnownProxies")]
    [InlineData("ForwardedHeaders:KnownNetworks:0", "10.0.0.0/99", "ForwardedHeaders:KnownNetworks")]
    [InlineData("AgilePlanner:PublicBaseUrl", "planner.example.com", "AgilePlanner:PublicBaseUrl")]
    [InlineData("AgilePlanner:PublicBaseUrl", "https://planner.example.com/app", "AgilePlanner:PublicBaseUrl")]
    public void A_malformed_proxy_setting_stops_the_app_at_start_naming_the_key(string key, string value, string named)
    {
        _app.With(key, value);

        var error = Assert.ThrowsAny<Exception>(() => _app.Server);

        Assert.Contains(named, error.ToString());
    }

    private async Task<string?> BaseUrlSeenFromAsync(IPAddress remote, string forwardedProto, string forwardedHost)
    {
        var context = await _app.Server.SendAsync(http =>
        {
            http.Connection.RemoteIpAddress = remote;
            http.Request.Method = HttpMethods.Get;
            http.Request.Path = "/healthz";
            http.Request.Headers.Host = "localhost";
            http.Request.Headers["X-Forwarded-For"] = "192.0.2.10";
            http.Request.Headers["X-Forwarded-Proto"] = forwardedProto;
            http.Request.Headers["X-Forwarded-Host"] = forwardedHost;
        }, TestContext.Current.CancellationToken);

        Assert.Equal(StatusCodes.Status200OK, context.Response.StatusCode);
        using var body = await JsonDocument.ParseAsync(context.Response.Body, cancellationToken: TestContext.Current.CancellationToken);
        return body.RootElement.GetProperty("baseUrl").GetString();
    }

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public ValueTask DisposeAsync() => _app.DisposeAsync();
}
