using System.Net;
using System.Text.Json;
using AgilePlanner.Api;
using AgilePlanner.AspNetCore;
using AgilePlanner.WebApp.Tests.Infrastructure;
using AgilePlanner.WebApp.Tests.Infrastructure.OidcProvider;
using AngleSharp.Dom;
using AngleSharp.Html.Dom;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.DependencyInjection;

namespace AgilePlanner.WebApp.Tests.Discovery;

/// <summary>
/// The web app against an authorization server no one here wrote (panva's oidc-provider), configured by nothing but
/// <c>AgilePlanner:Issuer</c>, the client id, its secret or key, and <c>AgilePlanner:ApiBaseUrl</c>, with the sandbox off:
/// Connect (pushed), sign-in and Allow at the provider, the pages with its data, a refresh, Disconnect's revocation, and Deny.
/// </summary>
public sealed class IssuerOnlyTests(OidcProviderServer provider) : IClassFixture<OidcProviderServer>
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Connect_allow_browse_refresh_and_disconnect_with_the_issuer_alone(bool withKey)
    {
        var wire = new WireLog();
        await using var app = App(withKey, wire);
        using var browser = app.CreateBrowser();

        // Connect: the request is pushed, the browser carries only client_id and request_uri.
        using var connect = await browser.GetAsync("/connect", Cancel);
        Assert.Equal(HttpStatusCode.Redirect, connect.StatusCode);
        var authorize = connect.Headers.Location!;
        Assert.StartsWith(provider.Issuer + "/", authorize.ToString());
        Assert.Equal(["client_id", "request_uri"], QueryHelpers.ParseQuery(authorize.Query).Keys.Order(StringComparer.Ordinal));
        Assert.Single(wire.Exchanges, e => e.Method == "POST" && Form(e).ContainsKey("response_type") && e.Status == 201);

        using var user = provider.CreateUser();
        var callback = await user.AuthorizeAsync(authorize.ToString());
        Assert.Equal(provider.Issuer, callback.Issuer);
        var account = await Html.ParseAsync(await ClientFlow.FollowAsync(browser, await browser.GetAsync(callback.Location!.PathAndQuery, Cancel)));
        Assert.Equal("Ada Lovelace", account.QuerySelector("[data-field=name]")?.TextContent);
        var (_, projects) = await ClientFlow.PageAsync(browser, "/projects");
        Assert.Contains("Difference Engine", projects.QuerySelector("main")!.TextContent);

        // A refresh: the access token made to count as expired, then a page that calls the API.
        var (_, flow) = await ClientFlow.PageAsync(browser, "/flow");
        using var expired = await browser.SubmitAsync(flow.QuerySelectorAll<IHtmlFormElement>("form").Single(f => f.Action.EndsWith("/flow/expire-access-token", StringComparison.Ordinal)));
        var (_, refreshed) = await ClientFlow.PageAsync(browser, "/projects");
        Assert.Contains("Difference Engine", refreshed.QuerySelector("main")!.TextContent);
        var tokenCalls = wire.Exchanges.Where(e => e.Method == "POST" && e.Uri.AbsolutePath.EndsWith("/token", StringComparison.Ordinal)).ToList();
        Assert.Equal(["authorization_code", "refresh_token"], tokenCalls.Select(e => Form(e)["grant_type"]));
        Assert.All(tokenCalls, e => Assert.Equal(200, e.Status));
        var lastAccess = JsonDocument.Parse(tokenCalls[^1].ResponseBody).RootElement.GetProperty("access_token").GetString()!;

        // Disconnect: revoked at the provider, whose API then refuses the token.
        var disconnected = await Html.ParseAsync(await ClientFlow.FollowAsync(browser,
            await browser.SubmitAsync(refreshed.QuerySelector<IHtmlFormElement>("form[action='/disconnect']")!)));
        Assert.Equal("Disconnected. Agile Planner has cancelled this app's access.", disconnected.QuerySelector(".flash")?.TextContent);
        Assert.Contains(wire.Exchanges, e => e.Method == "POST" && e.Uri.AbsolutePath.Contains("revo", StringComparison.Ordinal) && e.Status == 200);
        using var api = new HttpClient();
        using var me = new HttpRequestMessage(HttpMethod.Get, provider.ApiBaseUrl + "/me") { Headers = { Authorization = new("Bearer", lastAccess) } };
        Assert.Equal(HttpStatusCode.Unauthorized, (await api.SendAsync(me, Cancel)).StatusCode);

        // Every back-channel form authenticated the configured way, and nothing else was needed.
        var forms = wire.Exchanges.Where(e => e.Method == "POST").ToList();
        Assert.True(forms.Count >= 4);
        foreach (var form in forms.Select(Form))
        {
            if (withKey)
            {
                Assert.False(form.ContainsKey("client_secret"));
                Assert.Equal(ClientAssertion.Type, form["client_assertion_type"]);
            }
            else
            {
                Assert.Equal(provider.ClientSecret, form["client_secret"]);
            }
        }
        if (withKey)
        {
            var jtis = forms.Select(e => Claims(Form(e)["client_assertion"]).GetProperty("jti").GetString()).ToList();
            Assert.Equal(jtis.Count, jtis.Distinct().Count());
            Assert.All(forms, e => Assert.Equal(provider.Issuer, Claims(Form(e)["client_assertion"]).GetProperty("aud").GetString()));
        }
    }

    [Fact]
    public async Task Deny_at_the_provider_gives_the_denied_page()
    {
        await using var app = App(withKey: false, new WireLog());
        using var browser = app.CreateBrowser();
        using var connect = await browser.GetAsync("/connect", Cancel);
        using var user = provider.CreateUser();

        var callback = await user.AuthorizeAsync(connect.Headers.Location!.ToString(), "Deny");
        var response = await ClientFlow.FollowAsync(browser, await browser.GetAsync(callback.Location!.PathAndQuery, Cancel));

        Assert.Equal("/callback/error/access_denied", response.RequestMessage!.RequestUri!.AbsolutePath);
        Assert.Equal("You chose not to connect", (await Html.ParseAsync(response)).QuerySelector("h1")?.TextContent);
    }

    private AgilePlannerAppFactory App(bool withKey, WireLog wire)
    {
        var app = new AgilePlannerAppFactory()
            .With("Sandbox:Enabled", "false")
            .With("AgilePlanner:Issuer", provider.Issuer)
            .With("AgilePlanner:ApiBaseUrl", provider.ApiBaseUrl);
        if (withKey)
        {
            app.With("AgilePlanner:ClientId", provider.KeyClientId)
                .With("AgilePlanner:ClientAuthentication", "private_key_jwt")
                .With("AgilePlanner:ClientKeyFile", provider.ClientKeyFile);
        }
        else
        {
            app.With("AgilePlanner:ClientId", provider.ClientId).With("AgilePlanner:ClientSecret", provider.ClientSecret);
        }
        app.ConfigureTestServices = services =>
        {
            foreach (var name in new[] { AgilePlannerAuthenticationDefaults.BackchannelHttpClientName, AgilePlannerApiClient.HttpClientName })
            {
                services.AddHttpClient(name).AddHttpMessageHandler(() => wire.Tap());
            }
        };
        return app;
    }

    private static Dictionary<string, string> Form(WireExchange exchange) =>
        QueryHelpers.ParseQuery(exchange.RequestBody).ToDictionary(p => p.Key, p => p.Value.ToString());

    private static JsonElement Claims(string assertion) =>
        JsonDocument.Parse(System.Buffers.Text.Base64Url.DecodeFromChars(assertion.Split('.')[1])).RootElement;
}
