using AgilePlanner.WebApp.Tests.Browser;
using AgilePlanner.WebApp.Tests.Infrastructure.RealServers;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace AgilePlanner.WebApp.Tests.Scale;

/// <summary>The app on a real Redis that goes away and comes back, with a signed-in browser.</summary>
[Collection(BrowserCollection.Name)]
public sealed class RedisOutageTests(ChromiumFixture chromium)
{
    [Fact]
    public async Task Redis_stopped_a_page_says_so_with_503_no_session_is_lost_and_it_recovers_by_itself()
    {
        await using var topology = await ScaleTopology.StartAsync(1);
        await using var browser = await BalancedBrowser.OpenAsync(chromium, topology.Balancer);
        var page = browser.Page;
        await browser.ConnectAsync();
        await page.GotoAsync("/flow");
        await Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync("The OAuth flow, step by step");
        var cookiesBefore = (await browser.Context.CookiesAsync()).Select(cookie => cookie.Name).Order().ToList();

        await topology.Redis!.StopAsync();

        // The flow inspector keeps its records in Redis: its page says what is wrong, not a 500 or a stack.
        var outage = await page.GotoAsync("/flow");
        Assert.Equal(503, outage!.Status);
        await Expect(page.Locator("#store-unavailable")).ToHaveTextAsync("Agile Planner Connect cannot reach its shared store (Redis) just now.");
        Assert.DoesNotContain("RedisConnectionException", await page.ContentAsync());
        using (var client = new HttpClient { BaseAddress = topology.Instances[0].DirectUrl })
        {
            using var ready = await client.GetAsync("readyz", TestContext.Current.CancellationToken);
            Assert.Contains("\"redis\"", await ready.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
            Assert.Equal(System.Net.HttpStatusCode.ServiceUnavailable, ready.StatusCode);
        }
        // The outage cost the browser none of its cookies.
        Assert.Equal(cookiesBefore, (await browser.Context.CookiesAsync()).Select(cookie => cookie.Name).Order().ToList());

        await topology.Redis.StartAsync();

        await SandboxOnPostgreSqlTests.EventuallyAsync(async () => (await page.GotoAsync("/flow"))!.Status == 200);
        await Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync("The OAuth flow, step by step");
        // Still connected: the account comes from the API with the same session, no Connect needed.
        await page.GotoAsync("/account");
        await browser.ExpectAccountAsync();
        Assert.DoesNotContain(browser.Answers, answer => answer.Status >= 500 && answer.Status != 503);
    }
}
