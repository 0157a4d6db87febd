using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace AgilePlanner.WebApp.Tests.Browser;

[Collection(BrowserCollection.Name)]
public sealed class HomePageTests(ChromiumFixture chromium) : IAsyncLifetime
{
    private readonly LiveApp _app = new();

    public ValueTask InitializeAsync()
    {
        _app.Start();
        return ValueTask.CompletedTask;
    }

    [Fact]
    public async Task Home_page_renders_in_Chromium_without_console_errors()
    {
        await using var session = await BrowserSession.OpenAsync(chromium, _app);
        var page = await session.NewPageAsync();

        var response = await page.GotoAsync("/");

        Assert.Equal(200, response?.Status);
        await Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync("Agile Planner Connect");
        await session.SnapAsync(page, "home");
        session.AssertNothingLeakedOrBroke();
    }

    [Fact]
    public async Task Home_page_is_served_over_HTTPS_with_a_certificate_made_in_the_test()
    {
        await using var app = new LiveApp { Certificate = TestCertificate.ForLoopback() }.Start();
        await using var session = await BrowserSession.OpenAsync(chromium, app, ignoreCertificateErrors: true);
        var page = await session.NewPageAsync();

        var response = await page.GotoAsync("/");

        Assert.StartsWith("https://localhost:", page.Url);
        Assert.Equal(200, response?.Status);
        await Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync("Agile Planner Connect");
        session.AssertNothingLeakedOrBroke();
    }

    public ValueTask DisposeAsync() => _app.DisposeAsync();
}
