using System.Text.RegularExpressions;
using Microsoft.Playwright;
using static AgilePlanner.WebApp.Tests.Browser.AgilePlannerFlow;
using static Microsoft.Playwright.Assertions;

namespace AgilePlanner.WebApp.Tests.Browser;

/// <summary>
/// The developer portal's layout as Chromium draws it, at a laptop's width and a phone's (issue 14): each scope's
/// checkbox beside its label, the configuration block inside its card, names in the list on one line.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class DeveloperPortalLayoutTests(ChromiumFixture chromium, LiveApp app) : IClassFixture<LiveApp>
{
    [Theory]
    [InlineData(1280, 800)]
    [InlineData(375, 740)]
    public async Task Register_secret_and_list_pages_fit_the_width(int width, int height)
    {
        await using var session = await BrowserSession.OpenAsync(chromium, app);
        var page = await session.NewPageAsync();
        await page.SetViewportSizeAsync(width, height);
        var name = $"Sprint Board Companion {width}";

        await page.GotoAsync(new Uri(app.ProviderUrl, "signin?returnUrl=%2Fsandbox%2Fdevelopers%2Fnew").ToString());
        await page.GetByLabel("Email").FillAsync(DemoEmail);
        await page.GetByLabel("Password").FillAsync(DemoPassword);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in", Exact = true }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync("Register an application");

        foreach (var scope in new[] { "ScopeRead", "ScopeWrite" })
        {
            var box = await BoxAsync(page.Locator($"input[type=checkbox]#{scope}"));
            var label = await BoxAsync(page.Locator($"label[for={scope}] code"));
            Assert.True(await page.Locator($"#{scope}").IsCheckedAsync(), $"{scope} is ticked by default.");
            Assert.True(box.X + box.Width <= label.X, $"{scope}: the checkbox ({box.X}+{box.Width}) is not left of its label ({label.X}).");
            Assert.True(Math.Abs((box.Y + box.Height / 2) - (label.Y + label.Height / 2)) < label.Height, $"{scope}: the checkbox (y {box.Y}) and its label (y {label.Y}) are not on one line.");
        }
        await AssertNoHorizontalOverflowAsync(page);
        await session.SnapAsync(page, $"register-{width}");

        await page.Locator("#Name").FillAsync(name);
        await page.Locator("#CallbackUrls").FillAsync("https://sprint-board-companion.example/oauth/callback");
        await page.GetByRole(AriaRole.Button, new() { Name = "Register" }).ClickAsync();
        await Expect(page).ToHaveURLAsync(new Regex("/sandbox/developers/ap_[0-9a-f]+/secret$"));
        var config = page.Locator("#config-lines");
        await Expect(config).ToContainTextAsync("AgilePlanner__ClientSecret=");
        Assert.True(await config.EvaluateAsync<bool>("e => e.scrollWidth <= e.clientWidth"), "The configuration block overflows to the right.");
        var card = await BoxAsync(page.Locator(".card").Filter(new() { Has = config }));
        var block = await BoxAsync(config);
        Assert.True(block.X + block.Width <= card.X + card.Width + 0.5, "The configuration block sticks out of its card.");
        await AssertNoHorizontalOverflowAsync(page);
        await session.SnapAsync(page, $"secret-{width}");

        await page.ReloadAsync();
        await Expect(page.Locator("#client-secret")).ToHaveCountAsync(0);
        await page.GotoAsync(new Uri(app.ProviderUrl, "developers").ToString());
        var link = page.Locator("#apps td.app-name a", new() { HasTextString = name });
        await Expect(link).ToHaveCountAsync(1);
        if (width >= 1280)
        {
            Assert.Equal(1, await link.EvaluateAsync<int>("e => e.getClientRects().length"));
        }
        await AssertNoHorizontalOverflowAsync(page);
        await session.SnapAsync(page, $"list-{width}");
        session.AssertNothingLeakedOrBroke();
    }

    private static async Task<LocatorBoundingBoxResult> BoxAsync(ILocator locator) =>
        await locator.BoundingBoxAsync() ?? throw new InvalidOperationException("Not displayed.");

    /// <summary>The page itself never scrolls sideways (a wide table may scroll inside its own box).</summary>
    private static async Task AssertNoHorizontalOverflowAsync(IPage page) =>
        Assert.True(await page.EvaluateAsync<bool>("() => document.documentElement.scrollWidth <= window.innerWidth"),
            $"The page scrolls sideways at {page.ViewportSize?.Width} px: {await page.EvaluateAsync<int>("() => document.documentElement.scrollWidth")} px wide.");
}
