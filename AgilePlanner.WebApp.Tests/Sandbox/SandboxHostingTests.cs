using System.Net;
using AgilePlanner.WebApp.Tests.Infrastructure;

namespace AgilePlanner.WebApp.Tests.Sandbox;

/// <summary>How the sandbox sits in the web app: switched off by configuration, and quiet about secrets in its logs.</summary>
public sealed class SandboxHostingTests
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Disabled_sandbox_serves_nothing_under_sandbox()
    {
        await using var app = new AgilePlannerAppFactory()
            .With("Sandbox:Enabled", "false")
            .With("AgilePlanner:ClientId", "my-client")
            .With("AgilePlanner:ClientSecret", "my-secret-7c2e")
            .With("AgilePlanner:AuthorizationEndpoint", "https://provider.test/oauth/authorize")
            .With("AgilePlanner:TokenEndpoint", "https://provider.test/oauth/token")
            .With("AgilePlanner:ApiBaseUrl", "https://provider.test/api/v1");
        using var http = app.CreateClient();

        using var signIn = await http.GetAsync("/sandbox/signin", Cancel);
        using var metadata = await http.GetAsync("/sandbox/.well-known/oauth-authorization-server", Cancel);
        using var home = await http.GetAsync("/", Cancel);

        Assert.Equal(HttpStatusCode.NotFound, signIn.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, metadata.StatusCode);
        Assert.Equal(HttpStatusCode.OK, home.StatusCode);
    }

    [Fact]
    public async Task Pages_use_the_sandbox_stylesheet_which_is_served_in_every_environment()
    {
        await using var app = new AgilePlannerAppFactory();
        using var http = app.CreateClient();
        var page = await Html.ParseAsync(await http.GetAsync("/sandbox/signin", Cancel));
        var href = page.QuerySelector("link[rel=stylesheet]")!.GetAttribute("href")!;

        using var css = await http.GetAsync(href, Cancel);
        using var script = await http.GetAsync("/sandbox/assets/copy.js", Cancel);
        using var missing = await http.GetAsync("/sandbox/assets/nothing.css", Cancel);

        Assert.Equal(HttpStatusCode.OK, css.StatusCode);
        Assert.Equal("text/css", css.Content.Headers.ContentType!.MediaType);
        Assert.Contains(".sandbox-header", await css.Content.ReadAsStringAsync(Cancel));
        Assert.Equal("text/javascript", script.Content.Headers.ContentType!.MediaType);
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
    }

    [Fact]
    public async Task Logs_of_a_whole_flow_hold_no_token_code_secret_or_password()
    {
        await using var app = new AgilePlannerAppFactory();
        using var ada = await SandboxUser.SignInAsync(app);
        var request = new AuthorizationRequest();
        var callback = await ada.AuthorizeAsync(request);
        using var http = app.CreateClient();
        using var redeemed = await SandboxTokens.RedeemCodeAsync(http, callback.Code!, request);
        var tokens = await SandboxTokens.ReadAsync(redeemed);
        using var refreshed = await SandboxTokens.RefreshAsync(http, tokens.RefreshToken!);
        using var me = await SandboxTokens.GetApiAsync(http, "/me", tokens.AccessToken);
        using var revoked = await SandboxTokens.RevokeAsync(http, tokens.AccessToken!);
        using var wrongSecret = await SandboxTokens.RefreshAsync(http, tokens.RefreshToken!, SandboxClient.WebApp with { ClientSecret = "typo-secret-value" });

        Assert.Equal(HttpStatusCode.OK, me.StatusCode);
        var logs = app.Logs.AllText;
        Assert.NotEmpty(app.Logs.Lines);
        foreach (var secret in new[]
        {
            callback.Code!, request.CodeVerifier, tokens.AccessToken!, tokens.RefreshToken!,
            SandboxClient.WebApp.ClientSecret, "typo-secret-value", SandboxUser.DemoPassword,
        })
        {
            Assert.DoesNotContain(secret, logs);
        }
    }
}
