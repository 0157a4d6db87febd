using Microsoft.Playwright;
using static AgilePlanner.WebApp.Tests.Browser.AgilePlannerFlow;
using static Microsoft.Playwright.Assertions;

namespace AgilePlanner.WebApp.Tests.Browser;

/// <summary>
/// The pages' CSP as Chromium enforces it, and proof that a violation fails a browser test: every other browser test
/// ends with <see cref="BrowserSession.AssertNothingLeakedOrBroke"/>, so a page that broke its own policy would fail it.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class ContentSecurityPolicyTests(ChromiumFixture chromium, LiveApp app) : IClassFixture<LiveApp>
{
    [Theory]
    [InlineData("app")]
    [InlineData("sandbox")]
    public async Task An_inline_script_is_blocked_and_the_violation_fails_the_test(string site)
    {
        await using var session = await BrowserSession.OpenAsync(chromium, app);
        var page = await session.NewPageAsync();
        await page.GotoAsync(site == "app" ? app.AppUrl.ToString() : new Uri(app.ProviderUrl, "signin").ToString());
        session.AssertNothingLeakedOrBroke();

        await page.RunAndWaitForConsoleMessageAsync(
            () => page.EvaluateAsync("() => { const s = document.createElement('script'); s.textContent = 'window.inlineRan = true'; document.body.appendChild(s); }"),
            new() { Predicate = m => m.Type == "error" });

        Assert.False(await page.EvaluateAsync<bool>("() => window.inlineRan === true"), "The inline script ran.");
        Assert.Contains("Content Security Policy", (await FailureOfAsync(session)).Message);
    }

    [Fact]
    public async Task The_sign_in_form_cannot_be_sent_to_another_site_and_that_fails_the_test()
    {
        await using var session = await BrowserSession.OpenAsync(chromium, app);
        var page = await session.NewPageAsync();
        await ConnectFromHomeAsync(session, page);

        // What an injected form would do: post the credentials to another origin (here the app's).
        await page.EvaluateAsync("target => { document.querySelector('form.card').action = target; }", new Uri(app.AppUrl, "collect").ToString());
        await page.GetByLabel("Email").FillAsync(DemoEmail);
        await page.GetByLabel("Password").FillAsync(DemoPassword);
        // Submitted from script: a click would wait for a navigation the browser never starts.
        var refused = await page.RunAndWaitForConsoleMessageAsync(
            () => page.EvaluateAsync("() => document.querySelector('form.card').requestSubmit()"),
            new() { Predicate = m => m.Type == "error" });

        Assert.Contains("form-action", refused.Text);
        Assert.DoesNotContain(session.Requests, r => r.Url.StartsWith(new Uri(app.AppUrl, "collect").ToString(), StringComparison.Ordinal));
        Assert.Contains("Content Security Policy", (await FailureOfAsync(session)).Message);
    }

    /// <summary>The failure <see cref="BrowserSession.AssertNothingLeakedOrBroke"/> reports, once the console event has reached the session.</summary>
    private static async Task<Exception> FailureOfAsync(BrowserSession session)
    {
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                session.AssertNothingLeakedOrBroke();
            }
            catch (Exception failure)
            {
                return failure;
            }
            if (attempt == 50)
            {
                throw new Xunit.Sdk.XunitException("The CSP violation did not fail the session's check.");
            }
            await Task.Delay(100, TestContext.Current.CancellationToken);
        }
    }

    [Fact]
    public async Task The_consent_redirect_to_the_registered_callback_is_allowed_by_form_action()
    {
        await using var session = await BrowserSession.OpenAsync(chromium, app);
        var page = await session.NewPageAsync();
        await ConnectFromHomeAsync(session, page);
        var authorize = new Uri(app.ProviderUrl, "oauth/authorize").ToString();
        var consent = await page.RunAndWaitForResponseAsync(
            () => SignInAtSandboxAsync(session, page),
            r => r.Url.StartsWith(authorize, StringComparison.Ordinal) && r.Request.Method == "GET" && r.Status == 200);
        await ExpectConsentAsync(session, page);

        // The app is another origin (localhost, the sandbox is 127.0.0.1): only its registered callback origin is added.
        var policy = await consent.HeaderValueAsync("content-security-policy");
        Assert.EndsWith($"; form-action 'self' {app.AppUrl.GetLeftPart(UriPartial.Authority)}", policy);

        await AllowAsync(page);
        await ExpectAccountAsync(session, page);
        session.AssertNothingLeakedOrBroke();
    }
}
