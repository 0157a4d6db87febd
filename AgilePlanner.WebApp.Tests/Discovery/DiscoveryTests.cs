using System.Net;
using System.Text;
using AgilePlanner.WebApp.Tests.Infrastructure;

namespace AgilePlanner.WebApp.Tests.Discovery;

/// <summary>
/// A provider found from <c>AgilePlanner:Issuer</c> alone (RFC 8414, then OpenID Connect Discovery): what the app reads, where
/// it reads it, what it refuses, and the page a user sees when the metadata cannot be used.
/// </summary>
public sealed class DiscoveryTests : IAsyncDisposable
{
    private readonly ClientAppFactory _app = new();

    public DiscoveryTests()
    {
        _app.With("AgilePlanner:AuthorizationEndpoint", "")
            .With("AgilePlanner:TokenEndpoint", "")
            .With("AgilePlanner:RevocationEndpoint", "");
        _app.Provider.IssuingTokens().ServingApi();
    }

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task The_issuer_alone_finds_the_endpoints_in_the_metadata_and_signs_in()
    {
        _app.Provider.ServingMetadata(ProviderDouble.MetadataOf());
        using var browser = _app.CreateBrowser();

        var account = await ClientFlow.ConnectAsync(browser);

        Assert.Equal(HttpStatusCode.OK, account.StatusCode);
        Assert.Contains("Ada Lovelace", (await Html.ParseAsync(account)).Body!.TextContent);
        Assert.Equal("https://provider.test/.well-known/oauth-authorization-server", Assert.Single(_app.Provider.MetadataRequests).Uri.ToString());
        Assert.Single(_app.Provider.TokenRequests);
    }

    [Fact]
    public async Task An_issuer_with_a_path_is_read_with_the_well_known_suffix_inserted_before_the_path()
    {
        const string issuer = "https://provider.test/tenants/acme";
        _app.With("AgilePlanner:Issuer", issuer);
        _app.Provider.ServingMetadata(ProviderDouble.MetadataOf(issuer), "/.well-known/oauth-authorization-server/tenants/acme");
        using var browser = _app.CreateBrowser();

        await ClientFlow.StartAsync(browser);

        Assert.Equal("https://provider.test/.well-known/oauth-authorization-server/tenants/acme", Assert.Single(_app.Provider.MetadataRequests).Uri.ToString());
    }

    [Fact]
    public async Task Without_RFC_8414_metadata_the_OpenID_configuration_is_read_and_used()
    {
        const string issuer = "https://provider.test/tenants/acme";
        _app.With("AgilePlanner:Issuer", issuer);
        _app.Provider.ServingMetadata(ProviderDouble.MetadataOf(issuer), "/tenants/acme/.well-known/openid-configuration");
        using var browser = _app.CreateBrowser();

        var authorize = await ClientFlow.StartAsync(browser);
        var account = await ClientFlow.FollowAsync(browser, await ClientFlow.CallbackAsync(browser,
            $"code=c&state={Uri.EscapeDataString(ClientFlow.Query(authorize)["state"])}&iss={Uri.EscapeDataString(issuer)}"));

        Assert.Equal(HttpStatusCode.OK, account.StatusCode);
        Assert.Equal(
            ["https://provider.test/.well-known/oauth-authorization-server/tenants/acme", "https://provider.test/tenants/acme/.well-known/openid-configuration"],
            _app.Provider.MetadataRequests.Select(r => r.Uri.ToString()));
        Assert.Single(_app.Provider.TokenRequests);
    }

    [Theory]
    [InlineData("https://provider.test", "names the issuer 'https://provider.test', not the configured 'https://provider.test/'")]
    [InlineData("https://attacker.test/", "names the issuer 'https://attacker.test/'")]
    public async Task Metadata_naming_another_issuer_is_not_used(string named, string reason)
    {
        var metadata = ProviderDouble.MetadataOf(named);
        _app.Provider.ServingMetadata(metadata);

        var page = await RefusedConnectAsync();

        Assert.Contains(reason, page.QuerySelector("[data-field=error_description]")?.TextContent);
    }

    [Theory]
    [InlineData("plain")]
    [InlineData("")]
    public async Task Metadata_without_S256_is_not_used(string methods)
    {
        var metadata = ProviderDouble.MetadataOf();
        metadata["code_challenge_methods_supported"] = methods.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        _app.Provider.ServingMetadata(metadata);

        var page = await RefusedConnectAsync();

        Assert.Contains("S256", page.QuerySelector("[data-field=error_description]")?.TextContent);
    }

    [Theory]
    [InlineData(true, "/callback/error/issuer_mismatch")]
    [InlineData(false, "/account")]
    public async Task A_callback_without_iss_is_refused_when_the_metadata_says_iss_is_sent(bool issSupported, string landing)
    {
        var metadata = ProviderDouble.MetadataOf();
        metadata["authorization_response_iss_parameter_supported"] = issSupported;
        _app.Provider.ServingMetadata(metadata);
        using var browser = _app.CreateBrowser();
        var authorize = await ClientFlow.StartAsync(browser);

        var callback = await ClientFlow.CallbackAsync(browser, $"code=c&state={Uri.EscapeDataString(ClientFlow.Query(authorize)["state"])}");

        Assert.Equal(HttpStatusCode.Redirect, callback.StatusCode);
        Assert.Equal(landing, callback.Headers.Location!.OriginalString);
        Assert.Equal(issSupported ? 0 : 1, _app.Provider.TokenRequests.Count);
    }

    [Fact]
    public async Task A_callback_with_another_iss_is_refused_even_when_iss_is_not_announced()
    {
        var metadata = ProviderDouble.MetadataOf();
        metadata["authorization_response_iss_parameter_supported"] = false;
        _app.Provider.ServingMetadata(metadata);
        using var browser = _app.CreateBrowser();
        var authorize = await ClientFlow.StartAsync(browser);

        var callback = await ClientFlow.CallbackAsync(browser, $"code=c&state={Uri.EscapeDataString(ClientFlow.Query(authorize)["state"])}&iss=https%3A%2F%2Fattacker.test%2F");

        Assert.Equal("/callback/error/issuer_mismatch", callback.Headers.Location!.OriginalString);
        Assert.Empty(_app.Provider.TokenRequests);
    }

    [Fact]
    public async Task Endpoints_set_explicitly_win_over_the_metadata()
    {
        _app.With("AgilePlanner:AuthorizationEndpoint", ProviderDouble.AuthorizationEndpoint);
        var metadata = ProviderDouble.MetadataOf();
        metadata["authorization_endpoint"] = "https://provider.test/elsewhere/authorize";
        _app.Provider.ServingMetadata(metadata);
        using var browser = _app.CreateBrowser();

        // StartAsync asserts the redirect goes to the configured authorization endpoint.
        var authorize = await ClientFlow.StartAsync(browser);
        var account = await ClientFlow.FollowAsync(browser, await ClientFlow.CallbackAsync(browser, ClientFlow.Allowed(authorize)));

        Assert.Equal(HttpStatusCode.OK, account.StatusCode);
        Assert.Equal(ProviderDouble.TokenEndpoint, Assert.Single(_app.Provider.TokenRequests).Uri.ToString());
    }

    [Fact]
    public async Task Metadata_larger_than_the_cap_gives_the_page_naming_the_issuer_setting()
    {
        var metadata = ProviderDouble.MetadataOf();
        metadata["padding"] = new string('x', 70 * 1024);
        _app.Provider.ServingMetadata(metadata);

        var page = await RefusedConnectAsync();

        Assert.Contains("larger than 64 KB", page.QuerySelector("[data-field=error_description]")?.TextContent);
    }

    [Fact]
    public async Task Metadata_that_does_not_answer_in_time_gives_the_page_and_a_later_answer_is_used()
    {
        var arrived = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var answering = false;
        _app.Provider.Metadata = async (request, cancellationToken) =>
        {
            if (answering)
            {
                return request.Uri.AbsolutePath == "/.well-known/oauth-authorization-server"
                    ? ProviderDouble.Json(HttpStatusCode.OK, ProviderDouble.MetadataOf())
                    : new HttpResponseMessage(HttpStatusCode.NotFound);
            }
            arrived.TrySetResult();
            await Task.Delay(Timeout.Infinite, cancellationToken);
            throw new InvalidOperationException("unreachable");
        };
        using var browser = _app.CreateBrowser();

        var connect = browser.GetAsync("/connect", Cancel);
        await arrived.Task.WaitAsync(Cancel);
        _app.Time.Advance(TimeSpan.FromSeconds(11));
        var page = await RefusedPageAsync(browser, await connect);
        Assert.Contains("did not answer within 10 s", page.QuerySelector("[data-field=error_description]")?.TextContent);

        // A failure is not remembered for long: the provider is asked again and its answer used.
        answering = true;
        _app.Time.Advance(TimeSpan.FromSeconds(6));
        await ClientFlow.StartAsync(browser);
    }

    [Fact]
    public async Task Metadata_that_is_not_JSON_gives_the_page_not_an_error()
    {
        _app.Provider.Metadata = (_, _) => Task.FromResult(new HttpResponseMessage(HttpStatusCode.OK)
        {
            Content = new StringContent("<html>Welcome</html>", Encoding.UTF8, "text/html"),
        });

        var page = await RefusedConnectAsync();

        Assert.Contains("is not JSON", page.QuerySelector("[data-field=error_description]")?.TextContent);
    }

    [Theory]
    [InlineData("https://provider.test/", "Healthy", "metadata of https://provider.test/ read")]
    [InlineData("https://provider.test", "Unhealthy", "AgilePlanner:Issuer: the metadata names the issuer 'https://provider.test', not the configured 'https://provider.test/'")]
    public async Task Readiness_reports_whether_the_metadata_can_be_used(string named, string status, string description)
    {
        _app.Provider.ServingMetadata(ProviderDouble.MetadataOf(named));
        using var client = _app.CreateClient();

        using var response = await client.GetAsync("/readyz", Cancel);

        var body = System.Text.Json.JsonDocument.Parse(await response.Content.ReadAsStringAsync(Cancel)).RootElement;
        var provider = body.GetProperty("checks").GetProperty("provider");
        Assert.Equal(status, provider.GetProperty("status").GetString());
        Assert.Equal(description, provider.GetProperty("description").GetString());
        Assert.Equal(status == "Healthy" ? HttpStatusCode.OK : HttpStatusCode.ServiceUnavailable, response.StatusCode);
    }

    private async Task<AngleSharp.Html.Dom.IHtmlDocument> RefusedConnectAsync()
    {
        using var browser = _app.CreateBrowser();
        return await RefusedPageAsync(browser, await browser.GetAsync("/connect", Cancel));
    }

    private async Task<AngleSharp.Html.Dom.IHtmlDocument> RefusedPageAsync(HttpClient browser, HttpResponseMessage connect)
    {
        Assert.Equal(HttpStatusCode.Redirect, connect.StatusCode);
        Assert.Equal("/callback/error/provider_metadata", connect.Headers.Location!.OriginalString);
        var response = await ClientFlow.FollowAsync(browser, connect);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var page = await Html.ParseAsync(response);
        Assert.Equal("Agile Planner's server description could not be used", page.QuerySelector("h1")?.TextContent);
        Assert.Contains("AgilePlanner:Issuer", page.Body!.TextContent);
        Assert.Empty(_app.Provider.TokenRequests);
        Assert.DoesNotContain(ClientAppFactory.ClientSecret, page.DocumentElement.OuterHtml);
        return page;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.DisposeAsync();
        Assert.Empty(_app.Provider.Unexpected);
    }
}
