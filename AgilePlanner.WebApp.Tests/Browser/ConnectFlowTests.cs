using System.Text.RegularExpressions;
using Microsoft.Playwright;
using static AgilePlanner.WebApp.Tests.Browser.AgilePlannerFlow;
using static Microsoft.Playwright.Assertions;

namespace AgilePlanner.WebApp.Tests.Browser;

/// <summary>The connection as a user makes it in Chromium: the app at localhost, the sandbox at 127.0.0.1.</summary>
[Collection(BrowserCollection.Name)]
public sealed class ConnectFlowTests(ChromiumFixture chromium, LiveApp app) : IClassFixture<LiveApp>
{
    [Fact]
    public async Task Connect_sign_in_and_allow_shows_the_account_and_projects_until_Disconnect()
    {
        await using var session = await BrowserSession.OpenAsync(chromium, app);
        var page = await session.NewPageAsync();

        await ConnectAsync(session, page);
        await session.SnapAsync(page, "account");
        await session.AssertSessionCookieAsync(page);

        await page.GetByRole(AriaRole.Link, new() { Name = "Your projects" }).ClickAsync();
        await Expect(page).ToHaveURLAsync(new Regex("/projects$"));
        var projects = page.Locator("main a[href^='/projects/']");
        await Expect(projects.First).ToBeVisibleAsync();
        Assert.True(await projects.CountAsync() >= 3, "The demo account has at least three projects.");
        await session.SnapAsync(page, "projects");

        var projectName = (await projects.First.InnerTextAsync()).Trim();
        await projects.First.ClickAsync();
        await Expect(page).ToHaveURLAsync(new Regex("/projects/[A-Za-z0-9_-]+"));
        await Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToContainTextAsync(projectName);
        Assert.True(await page.GetByRole(AriaRole.Table).GetByRole(AriaRole.Row).CountAsync() > 1, "The project page lists stories.");
        await session.SnapAsync(page, "project");

        await page.GotoAsync("/account");
        await DisconnectAsync(page);
        await session.SnapAsync(page, "disconnected");
        Assert.DoesNotContain(await session.AppCookiesAsync(), c => c.Name == BrowserSession.SessionCookieName);
        session.AssertNothingLeakedOrBroke();
    }

    [Fact]
    public async Task Deny_at_the_consent_page_shows_that_nothing_was_shared()
    {
        await using var session = await BrowserSession.OpenAsync(chromium, app);
        var page = await session.NewPageAsync();

        await ConnectFromHomeAsync(session, page);
        await SignInAtSandboxAsync(session, page);
        await ExpectConsentAsync(session, page);
        await DenyAsync(page);

        await Expect(page).ToHaveURLAsync(new Regex($"^{Regex.Escape(app.AppUrl.ToString())}"));
        await Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync("You chose not to connect");
        await Expect(ConnectAgilePlanner(page)).ToBeVisibleAsync();
        await session.SnapAsync(page, "denied");
        Assert.DoesNotContain(await session.AppCookiesAsync(), c => c.Name == BrowserSession.SessionCookieName);
        session.AssertNothingLeakedOrBroke();
    }

    [Fact]
    public async Task Connecting_again_while_signed_in_at_the_sandbox_asks_only_for_consent()
    {
        await using var session = await BrowserSession.OpenAsync(chromium, app);
        var page = await session.NewPageAsync();
        await ConnectAsync(session, page);
        await DisconnectAsync(page);
        var signInsBefore = SandboxSignInPages(session);

        await ConnectAgilePlanner(page).ClickAsync();

        await ExpectConsentAsync(session, page);
        await Expect(page.GetByLabel("Password")).ToHaveCountAsync(0);
        await AllowAsync(page);
        await ExpectAccountAsync(session, page);
        Assert.Equal(signInsBefore, SandboxSignInPages(session));
        session.AssertNothingLeakedOrBroke();
    }

    [Fact]
    public async Task A_sign_in_whose_attempt_cookie_expired_gets_a_page_that_says_so()
    {
        await using var session = await BrowserSession.OpenAsync(chromium, app);
        var page = await session.NewPageAsync();
        await ConnectFromHomeAsync(session, page);

        // What the browser does when the attempt's correlation cookie reaches its expiry.
        var correlation = new Regex(@"^\.AspNetCore\.Correlation\.");
        Assert.Single(await session.AppCookiesAsync(), c => correlation.IsMatch(c.Name));
        await session.Context.ClearCookiesAsync(new() { NameRegex = correlation });

        await SignInAtSandboxAsync(session, page);
        await ExpectConsentAsync(session, page);
        await AllowAsync(page);

        await Expect(page).ToHaveURLAsync(new Regex($"^{Regex.Escape(app.AppUrl.ToString())}"));
        await Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync("This sign-in was not started in this browser");
        await Expect(page.GetByRole(AriaRole.Link, new() { Name = "Connect again" })).ToBeVisibleAsync();
        await session.SnapAsync(page, "attempt-unknown");
        Assert.DoesNotContain(await session.AppCookiesAsync(), c => c.Name == BrowserSession.SessionCookieName);

        await page.GetByRole(AriaRole.Link, new() { Name = "Connect again" }).ClickAsync();
        await ExpectConsentAsync(session, page);
        await AllowAsync(page);
        await ExpectAccountAsync(session, page);
        session.AssertNothingLeakedOrBroke();
    }

    [Fact]
    public async Task Going_back_after_Disconnect_does_not_show_the_account_again()
    {
        await using var session = await BrowserSession.OpenAsync(chromium, app);
        var page = await session.NewPageAsync();
        await ConnectAsync(session, page);
        var account = await page.GotoAsync("/account");
        Assert.Contains("no-store", (await account!.AllHeadersAsync()).GetValueOrDefault("cache-control"));
        await DisconnectAsync(page);
        var accountRequestsBefore = AccountPageRequests(session);

        await page.GoBackAsync();

        // The browser had to ask the server again (nothing stored), and the app no longer shows the account.
        Assert.True(AccountPageRequests(session) > accountRequestsBefore, "Going back showed a stored copy of /account.");
        if (page.Url.StartsWith(app.AppUrl.ToString(), StringComparison.Ordinal))
        {
            await Expect(page.GetByText(DemoEmail)).ToHaveCountAsync(0);
        }
        else
        {
            await ExpectConsentAsync(session, page);
        }
        session.AssertNothingLeakedOrBroke();
    }

    [Fact]
    public async Task Allow_without_the_consent_forms_antiforgery_token_is_refused()
    {
        await using var session = await BrowserSession.OpenAsync(chromium, app);
        var page = await session.NewPageAsync();
        await ConnectFromHomeAsync(session, page);
        await SignInAtSandboxAsync(session, page);
        await ExpectConsentAsync(session, page);

        // A forged consent: the same form, posted without the token only the real page carries.
        Assert.Equal(1, await RemoveAntiforgeryTokensAsync(page, "form[action$='/oauth/authorize']"));
        var response = await page.RunAndWaitForResponseAsync(() => AllowAsync(page), r => r.Request.Method == "POST");

        Assert.Equal(400, response.Status);
        await Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync(FormRefusedHeading);
        await Expect(page.GetByText("Nothing was changed.")).ToBeVisibleAsync();
        await session.SnapAsync(page, "consent-refused");
        Assert.DoesNotContain(session.Requests, r => r.Url.StartsWith(new Uri(app.AppUrl, "callback").ToString(), StringComparison.Ordinal));
        Assert.DoesNotContain(await session.AppCookiesAsync(), c => c.Name == BrowserSession.SessionCookieName);

        // Try again shows the same request's consent page with a fresh token, and Allow then connects.
        await page.GetByRole(AriaRole.Link, new() { Name = "Try again" }).ClickAsync();
        await ExpectConsentAsync(session, page);
        await AllowAsync(page);
        await ExpectAccountAsync(session, page);
    }

    [Fact]
    public async Task Disconnect_without_its_antiforgery_token_is_refused()
    {
        await using var session = await BrowserSession.OpenAsync(chromium, app);
        var page = await session.NewPageAsync();
        await ConnectAsync(session, page);

        Assert.Equal(1, await RemoveAntiforgeryTokensAsync(page, "form[action$='/disconnect']"));
        var response = await page.RunAndWaitForResponseAsync(
            () => page.GetByRole(AriaRole.Button, new() { Name = "Disconnect" }).ClickAsync(),
            r => r.Request.Method == "POST");

        Assert.Equal(400, response.Status);
        await Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync(FormRefusedHeading);
        await Expect(page.GetByText("Nothing was changed.")).ToBeVisibleAsync();
        await Expect(page.GetByRole(AriaRole.Link, new() { Name = "Back to the home page" })).ToBeVisibleAsync();
        await session.SnapAsync(page, "disconnect-refused");
        var later = await session.NewPageAsync();
        await later.GotoAsync("/account");
        await ExpectAccountAsync(session, later);
    }

    private const string FormRefusedHeading = "This form expired or was not sent from this site";

    private static Task<int> RemoveAntiforgeryTokensAsync(IPage page, string form) =>
        page.EvaluateAsync<int>(
            "selector => { const inputs = document.querySelectorAll(selector + ' input[name=__RequestVerificationToken]'); inputs.forEach(i => i.remove()); return inputs.length; }",
            form);

    private static int SandboxSignInPages(BrowserSession session) =>
        session.Requests.Count(r => r.Url.StartsWith(new Uri(session.App.ProviderUrl, "signin").ToString(), StringComparison.Ordinal));

    private static int AccountPageRequests(BrowserSession session) =>
        session.Requests.Count(r => r.Url == new Uri(session.App.AppUrl, "account").ToString());

    [Fact]
    public async Task Two_tabs_connecting_at_once_both_end_connected()
    {
        await using var session = await BrowserSession.OpenAsync(chromium, app);
        var first = await session.NewPageAsync();
        var second = await session.NewPageAsync();

        await ConnectFromHomeAsync(session, first);
        await ConnectFromHomeAsync(session, second);
        await SignInAtSandboxAsync(session, first);
        await ExpectConsentAsync(session, first);
        await SignInAtSandboxAsync(session, second);
        await ExpectConsentAsync(session, second);
        await AllowAsync(first);
        await ExpectAccountAsync(session, first);
        await AllowAsync(second);
        await ExpectAccountAsync(session, second);

        await first.ReloadAsync();
        await ExpectAccountAsync(session, first);
        await session.AssertSessionCookieAsync(first);
        session.AssertNothingLeakedOrBroke();
    }

    [Fact]
    public async Task Adding_a_story_with_read_access_offers_Allow_writing_and_then_adds_it()
    {
        await using var session = await BrowserSession.OpenAsync(chromium, app);
        var page = await session.NewPageAsync();
        await ConnectAsync(session, page);
        await page.GotoAsync("/projects");
        await page.Locator("main a[href^='/projects/']").First.ClickAsync();
        var project = page.Url;
        var addStory = page.Locator("#add-story");
        await Expect(addStory.GetByRole(AriaRole.Button, new() { Name = "Add story" })).ToHaveCountAsync(0);
        await session.SnapAsync(page, "read-only");

        await addStory.GetByRole(AriaRole.Link, new() { Name = "Allow writing" }).ClickAsync();
        await ExpectConsentAsync(session, page);
        await Expect(page.Locator("[data-scope='write']")).ToBeVisibleAsync();
        await AllowAsync(page);
        await Expect(page).ToHaveURLAsync(project);

        var title = $"Story from the browser {Guid.NewGuid():N}"[..32];
        await addStory.GetByLabel("Title").FillAsync(title);
        await addStory.GetByRole(AriaRole.Button, new() { Name = "Add story" }).ClickAsync();
        await Expect(page.GetByText($"Story “{title}” added.")).ToBeVisibleAsync();
        await session.SnapAsync(page, "story-added");
        session.AssertNothingLeakedOrBroke();
    }
}
