using System.Net;
using AgilePlanner.WebApp.Tests.Infrastructure;
using AngleSharp.Html.Dom;

namespace AgilePlanner.WebApp.Tests.Sandbox;

/// <summary>Connected apps: the applications an account allowed, and Revoke access ending their tokens.</summary>
public sealed class ConnectedAppsTests : IAsyncLifetime
{
    private readonly AgilePlannerAppFactory _app = new();

    [Fact]
    public async Task Allowed_app_is_listed_with_its_scopes()
    {
        using var ada = await SandboxUser.SignInAsync(_app);
        var before = await ada.GetPageAsync("/sandbox/account/apps");
        Assert.NotNull(before.QuerySelector("#no-connected-apps"));

        await ada.GetTokensAsync("read write");

        var page = await ada.GetPageAsync("/sandbox/account/apps");
        var row = page.QuerySelector("tr[data-application='Agile Planner Connect']")!;
        Assert.Contains("read", row.TextContent);
        Assert.Contains("write", row.TextContent);
        Assert.NotNull(row.QuerySelector("time"));
    }

    [Fact]
    public async Task Revoke_access_ends_every_token_of_that_app_for_this_user_only()
    {
        using var ada = await SandboxUser.SignInAsync(_app);
        var first = await ada.GetTokensAsync();
        var second = await ada.GetTokensAsync();
        using var grace = await SandboxUser.SignUpAsync(_app);
        var graceTokens = await grace.GetTokensAsync();

        var page = await ada.GetPageAsync("/sandbox/account/apps");
        var form = (IHtmlFormElement)page.QuerySelector("tr[data-application='Agile Planner Connect'] form")!;
        using var revoked = await ada.Browser.SubmitAsync(form, submitButton: form.ButtonNamed("Revoke access"));

        Assert.Equal(HttpStatusCode.Redirect, revoked.StatusCode);
        using var http = _app.CreateClient();
        foreach (var tokens in new[] { first, second })
        {
            using var me = await SandboxTokens.GetApiAsync(http, "/me", tokens.AccessToken);
            Assert.Equal(HttpStatusCode.Unauthorized, me.StatusCode);
            using var refresh = await SandboxTokens.RefreshAsync(http, tokens.RefreshToken!);
            Assert.Equal("invalid_grant", (await SandboxTokens.ReadAsync(refresh)).Error);
        }
        using var graceMe = await SandboxTokens.GetApiAsync(http, "/me", graceTokens.AccessToken);
        Assert.Equal(HttpStatusCode.OK, graceMe.StatusCode);
        var after = await ada.GetPageAsync("/sandbox/account/apps");
        Assert.NotNull(after.QuerySelector("#no-connected-apps"));
        Assert.Contains("Access revoked", after.QuerySelector(".notice")!.TextContent);
    }

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public ValueTask DisposeAsync() => _app.DisposeAsync();
}
