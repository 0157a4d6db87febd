using System.Text.RegularExpressions;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Time.Testing;
using Microsoft.Playwright;
using static AgilePlanner.WebApp.Tests.Browser.AgilePlannerFlow;
using static Microsoft.Playwright.Assertions;

namespace AgilePlanner.WebApp.Tests.Browser;

/// <summary>A sign-in left open at the sandbox for longer than the app accepts, on a clock the test moves.</summary>
[Collection(BrowserCollection.Name)]
public sealed class SignInTimeoutTests(ChromiumFixture chromium)
{
    [Fact]
    public async Task A_sign_in_left_open_too_long_says_so_and_offers_to_start_again()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var app = new LiveApp
        {
            ConfigureTestServices = services =>
            {
                services.RemoveAll<TimeProvider>();
                services.AddSingleton<TimeProvider>(clock);
            },
        };
        app.Start();
        await using var session = await BrowserSession.OpenAsync(chromium, app);
        var page = await session.NewPageAsync();

        await ConnectFromHomeAsync(session, page);
        clock.Advance(TimeSpan.FromMinutes(16));
        await SignInAtSandboxAsync(session, page);
        await ExpectConsentAsync(session, page);
        await AllowAsync(page);

        await Expect(page).ToHaveURLAsync(new Regex($"^{Regex.Escape(app.AppUrl.ToString())}"));
        await Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync("The sign-in took too long");
        await session.SnapAsync(page, "sign-in-expired");
        Assert.DoesNotContain(await session.AppCookiesAsync(), c => c.Name == BrowserSession.SessionCookieName);

        await page.GetByRole(AriaRole.Link, new() { Name = "Connect again" }).ClickAsync();
        await ExpectConsentAsync(session, page);
        await AllowAsync(page);
        await ExpectAccountAsync(session, page);
        session.AssertNothingLeakedOrBroke();
    }
}
