using System.Net;
using AgilePlanner.WebApp.Tests.Infrastructure;
using AngleSharp.Dom;
using AngleSharp.Html.Dom;

namespace AgilePlanner.WebApp.Tests.Sandbox;

/// <summary>
/// Sandbox forms sent without their antiforgery token (a stale tab, a form forged on another site): a page in the
/// sandbox's style that says nothing was changed and offers to try again, with nothing changed indeed.
/// </summary>
public sealed class FormRefusalTests : IAsyncLifetime
{
    private const string Heading = "This form expired or was not sent from this site";
    private readonly AgilePlannerAppFactory _app = new();

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Allow_without_the_token_issues_no_code_and_offers_the_same_consent_again()
    {
        using var ada = await SandboxUser.SignInAsync(_app);
        var request = new AuthorizationRequest();
        using var consent = await ada.StartAuthorizationAsync(request);
        var form = await FormWithoutTokenAsync(consent, "form[action='/sandbox/oauth/authorize']");

        using var refused = await ada.Browser.SubmitAsync(form, submitButton: form.ButtonNamed("Allow"));

        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.Null(refused.Headers.Location);
        var page = await Html.ParseAsync(refused);
        Assert.Equal(Heading, page.QuerySelector("h1")!.TextContent);
        Assert.Contains("Nothing was changed", page.QuerySelector("main")!.TextContent);
        Assert.Equal("/sandbox/assets/sandbox.css", page.QuerySelector("link[rel=stylesheet]")!.GetAttribute("href"));
        SandboxPageHeadersTests.AssertPageHeaders(refused, formAction: "'self'");
        Assert.Empty(await AuthorizationsAsync(ada));

        var tryAgain = page.QuerySelector("#try-again")!.GetAttribute("href")!;
        Assert.StartsWith("/sandbox/oauth/authorize?", tryAgain);
        Assert.DoesNotContain("__RequestVerificationToken", tryAgain);
        using var again = await ada.Browser.GetAsync(tryAgain, Cancel);
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        using var allowed = await ada.DecideAsync(again, "Allow");
        var callback = CallbackParameters.From(allowed);
        Assert.Equal(request.State, callback.State);
        Assert.NotNull(callback.Code);
    }

    [Fact]
    public async Task Sign_in_without_the_token_signs_nobody_in_and_keeps_the_return_url()
    {
        using var visitor = SandboxUser.Anonymous(_app);
        var returnUrl = new AuthorizationRequest().ToUrl();
        using var signIn = await visitor.Browser.GetAsync("/sandbox/signin?returnUrl=" + Uri.EscapeDataString(returnUrl), Cancel);
        var form = await FormWithoutTokenAsync(signIn, "form[action='/sandbox/signin']");

        using var refused = await visitor.Browser.SubmitAsync(form, new Dictionary<string, string>
        {
            ["Email"] = SandboxUser.DemoEmail, ["Password"] = SandboxUser.DemoPassword,
        });

        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        var page = await Html.ParseAsync(refused);
        Assert.Equal(Heading, page.QuerySelector("h1")!.TextContent);
        Assert.Equal("/sandbox/signin?returnUrl=" + Uri.EscapeDataString(returnUrl), page.QuerySelector("#try-again")!.GetAttribute("href"));
        SandboxPageHeadersTests.AssertPageHeaders(refused, formAction: "'self'");
        using var portal = await visitor.Browser.GetAsync("/sandbox/developers", Cancel);
        Assert.Equal(HttpStatusCode.Redirect, portal.StatusCode);
    }

    [Fact]
    public async Task A_forged_sign_in_with_a_foreign_return_url_offers_only_the_plain_sign_in_page()
    {
        using var visitor = SandboxUser.Anonymous(_app);

        using var refused = await visitor.Browser.PostAsync("/sandbox/signin", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["Email"] = SandboxUser.DemoEmail, ["Password"] = SandboxUser.DemoPassword, ["ReturnUrl"] = "//evil.test/steal",
        }), Cancel);

        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        var page = await Html.ParseAsync(refused);
        Assert.Equal(Heading, page.QuerySelector("h1")!.TextContent);
        Assert.Equal("/sandbox/signin", page.QuerySelector("#try-again")!.GetAttribute("href"));
    }

    [Fact]
    public async Task Revoke_access_without_the_token_leaves_the_app_connected()
    {
        using var ada = await SandboxUser.SignInAsync(_app);
        var tokens = await ada.GetTokensAsync();
        using var apps = await ada.Browser.GetAsync("/sandbox/account/apps", Cancel);
        var form = await FormWithoutTokenAsync(apps, "form[action='/sandbox/account/apps/revoke']");

        using var refused = await ada.Browser.SubmitAsync(form);

        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.Equal(Heading, (await Html.ParseAsync(refused)).QuerySelector("h1")!.TextContent);
        Assert.Equal(["Agile Planner Connect"], await AuthorizationsAsync(ada));
        using var http = _app.CreateClient();
        using var me = await SandboxTokens.GetApiAsync(http, "/me", tokens.AccessToken);
        Assert.Equal(HttpStatusCode.OK, me.StatusCode);
    }

    private static async Task<IHtmlFormElement> FormWithoutTokenAsync(HttpResponseMessage response, string selector)
    {
        var form = (await Html.ParseAsync(response)).QuerySelector<IHtmlFormElement>(selector)
            ?? throw new InvalidOperationException($"No {selector} on the page.");
        var token = Assert.Single(form.QuerySelectorAll("input[name=__RequestVerificationToken]"));
        token.Remove();
        return form;
    }

    /// <summary>The apps listed at Connected apps for this user.</summary>
    private static async Task<IReadOnlyList<string>> AuthorizationsAsync(SandboxUser user)
    {
        var page = await user.GetPageAsync("/sandbox/account/apps");
        return page.QuerySelectorAll("tr[data-application]").Select(row => row.GetAttribute("data-application")!).ToList();
    }

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public ValueTask DisposeAsync() => _app.DisposeAsync();
}
