using System.Text.RegularExpressions;
using AgilePlanner.WebApp.Tests.Infrastructure;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Playwright;
using static AgilePlanner.WebApp.Tests.Browser.AgilePlannerFlow;
using static Microsoft.Playwright.Assertions;

namespace AgilePlanner.WebApp.Tests.Browser;

/// <summary>
/// Issue 13's consent attack as it was seen, in Chromium: a registered third-party app asks for <c>read write</c> with
/// <c>&amp;decision=allow</c> appended to its authorization request; the user clicks Deny and Deny is what the app gets.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class ConsentAttackTests(ChromiumFixture chromium)
{
    [Fact]
    public async Task Deny_gives_access_denied_at_the_callback_even_with_decision_allow_in_the_request()
    {
        await using var app = new LiveApp();
        var callbackUrl = $"http://localhost:{app.Port}/story-helper/callback";
        var thirdParty = SandboxClient.RegisterOther(app, "story-helper", callbackUrl);
        app.Start();
        await using var session = await BrowserSession.OpenAsync(chromium, app);
        var page = await session.NewPageAsync();
        var request = AuthorizationRequest.For(thirdParty, "read write");

        await page.GotoAsync(new Uri(app.ProviderUrl, "..").ToString().TrimEnd('/') + request.ToUrl() + "&decision=allow");
        await SignInAtSandboxAsync(session, page);
        await Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToContainTextAsync("Other App");
        await Expect(page.Locator("li[data-scope=write]")).ToBeVisibleAsync();
        await session.SnapAsync(page, "consent-with-decision-allow");
        await DenyAsync(page);

        await page.WaitForURLAsync(new Regex($"^{Regex.Escape(callbackUrl)}\\?"));
        var query = QueryHelpers.ParseQuery(new Uri(page.Url).Query);
        Assert.Equal("access_denied", query["error"].ToString());
        Assert.Equal(request.State, query["state"].ToString());
        Assert.False(query.ContainsKey("code"), $"A code reached the callback: {page.Url}");
        Assert.DoesNotContain(session.Requests, r => r.Url.StartsWith(callbackUrl, StringComparison.Ordinal) && r.Url.Contains("code=", StringComparison.Ordinal));
    }
}
