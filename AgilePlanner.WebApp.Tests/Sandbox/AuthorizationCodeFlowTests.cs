using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using AgilePlanner.WebApp.Tests.Infrastructure;

namespace AgilePlanner.WebApp.Tests.Sandbox;

public sealed class AuthorizationCodeFlowTests : IAsyncLifetime
{
    private readonly AgilePlannerAppFactory _app = new();

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Code_grant_with_pkce_gives_tokens_that_read_me()
    {
        using var ada = await SandboxUser.SignInAsync(_app);
        var request = new AuthorizationRequest();

        using var consent = await ada.StartAuthorizationAsync(request);
        Assert.Equal(HttpStatusCode.OK, consent.StatusCode);
        var consentPage = await Html.ParseAsync(consent);
        Assert.Contains("Agile Planner Connect", consentPage.QuerySelector("h1")!.TextContent);
        Assert.Contains("projects, iterations and stories", consentPage.QuerySelector(".scopes")!.TextContent);

        using var allowed = await ada.DecideAsync(consent, "Allow");
        var callback = CallbackParameters.From(allowed);
        Assert.Equal(HttpStatusCode.Redirect, callback.Status);
        Assert.StartsWith("http://localhost/callback?", callback.Location!.ToString());
        Assert.Equal(request.State, callback.State);
        Assert.Equal("http://localhost/sandbox/", callback.Issuer);
        Assert.False(string.IsNullOrEmpty(callback.Code));

        using var http = _app.CreateClient();
        using var tokenResponse = await SandboxTokens.RedeemCodeAsync(http, callback.Code!, request);
        Assert.Equal(HttpStatusCode.OK, tokenResponse.StatusCode);
        Assert.Contains("no-store", tokenResponse.Headers.CacheControl!.ToString());
        var tokens = await SandboxTokens.ReadAsync(tokenResponse);
        Assert.False(string.IsNullOrEmpty(tokens.AccessToken));
        Assert.Equal("Bearer", tokens.TokenType);
        Assert.Equal(3600, tokens.ExpiresIn);
        Assert.False(string.IsNullOrEmpty(tokens.RefreshToken));
        Assert.Equal("read", tokens.Scope);

        using var me = await SandboxTokens.GetApiAsync(http, "/me", tokens.AccessToken);
        Assert.Equal(HttpStatusCode.OK, me.StatusCode);
        var body = await me.Content.ReadFromJsonAsync<JsonElement>(Cancel);
        Assert.Equal("Ada Lovelace", body.GetProperty("name").GetString());
        Assert.Equal("demo@agileplanner.test", body.GetProperty("email").GetString());
    }

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public ValueTask DisposeAsync() => _app.DisposeAsync();
}
