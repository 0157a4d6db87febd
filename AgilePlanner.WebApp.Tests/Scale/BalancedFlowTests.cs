using AgilePlanner.Sandbox.Seeding;
using AgilePlanner.WebApp.Tests.Browser;
using AgilePlanner.WebApp.Tests.Infrastructure.RealServers;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace AgilePlanner.WebApp.Tests.Scale;

/// <summary>
/// Three instances of the app behind HAProxy (round robin, no sticky sessions) on Redis and PostgreSQL, driven by Chromium:
/// every step of the OAuth flow on an instance of the test's choosing, every page wherever it lands, and all instances restarted.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class BalancedFlowTests(ChromiumFixture chromium)
{
    [Fact]
    public async Task Connect_on_one_instance_sign_in_on_another_callback_on_a_third_then_every_page_anywhere_and_a_restart_of_all()
    {
        await using var topology = await ScaleTopology.StartAsync(3);
        await using var browser = await BalancedBrowser.OpenAsync(chromium, topology.Balancer);
        var page = browser.Page;

        // Connect on app1, sign-in and consent on app2, the callback on app3 (the redirect from the consent goes there).
        await browser.PinAsync("app1");
        await browser.ConnectAsync(beforeSignIn: () => browser.PinAsync("app2", callbackInstance: "app3"));
        await browser.UnpinAsync();

        Assert.Equal("app1", browser.ServedBy("POST", "/connect") ?? browser.ServedBy("GET", "/connect"));
        Assert.Equal("app2", browser.ServedBy("POST", "/sandbox/signin"));
        Assert.Equal("app2", browser.ServedBy("POST", "/sandbox/oauth/authorize"));
        Assert.Equal("app3", browser.ServedBy("GET", "/callback"));

        // Pages, the flow inspector and the account, wherever round robin deals them.
        var projects = await VisitAnywhereAsync(browser);
        Assert.True(projects > 0);
        // And the account on each instance in turn, whichever round robin favoured while the machine was busy.
        foreach (var instance in new[] { "app1", "app2", "app3" })
        {
            await browser.PinAsync(instance);
            await page.GotoAsync("/account");
            await browser.ExpectAccountAsync();
            Assert.Equal(instance, browser.ServedBy("GET", "/account"));
        }
        await browser.UnpinAsync();

        // An application registered in the sandbox's developer portal, and the user's tokens as they stand, before the restart.
        var appName = $"Kept across restarts {Guid.NewGuid():N}"[..30];
        await page.GotoAsync(new Uri(topology.Balancer.ProviderUrl, "developers/new").ToString());
        await page.Locator("#Name").FillAsync(appName);
        await page.Locator("#CallbackUrls").FillAsync("http://localhost:5999/callback");
        await page.GetByRole(AriaRole.Button, new() { Name = "Register", Exact = true }).ClickAsync();
        await page.GotoAsync(new Uri(topology.Balancer.ProviderUrl, "developers").ToString());
        await Expect(page.Locator(".app-name", new() { HasText = appName })).ToHaveCountAsync(1);
        var tokensBefore = await topology.Postgres.ScalarAsync(topology.Database, "SELECT count(*) FROM \"OpenIddictTokens\"");
        Assert.True(tokensBefore > 0);

        // Every instance stopped, then all started together: the same browser is still signed in at the app and at the sandbox.
        await topology.StopAllAsync();
        await topology.StartAllAsync();
        Assert.Equal(projects, await VisitAnywhereAsync(browser));
        // The registered application is there once, and the user's tokens are the same ones: none lost, none issued again.
        await page.GotoAsync(new Uri(topology.Balancer.ProviderUrl, "developers").ToString());
        await Expect(page.Locator(".app-name", new() { HasText = appName })).ToHaveCountAsync(1);
        Assert.Equal(tokensBefore, await topology.Postgres.ScalarAsync(topology.Database, "SELECT count(*) FROM \"OpenIddictTokens\""));
        await page.GotoAsync(new Uri(topology.Balancer.ProviderUrl, "account/apps").ToString());
        await Expect(page.Locator("#connected-apps")).ToContainTextAsync("Agile Planner Connect");
        Assert.Equal(1, await SandboxOnPostgreSqlTests.DemoAccountsAsync(topology));
        Assert.Equal(PlanningData.DemoProjectsFor("count", DateTime.UtcNow).Count, await SandboxOnPostgreSqlTests.DemoProjectsAsync(topology));

        // Disconnect on whichever instance the form post lands: the token is revoked at the provider, the app forgets it.
        await page.GotoAsync("/account");
        await AgilePlannerFlow.DisconnectAsync(page);
        Assert.NotNull(browser.ServedBy("POST", "/disconnect"));
        Assert.DoesNotContain(browser.Answers, answer => answer.Status >= 500);
    }

    /// <summary>Account, projects and the flow inspector twice each; returns how many projects the list showed.</summary>
    private static async Task<int> VisitAnywhereAsync(BalancedBrowser browser)
    {
        var page = browser.Page;
        var projects = 0;
        for (var round = 0; round < 2; round++)
        {
            await page.GotoAsync("/account");
            await browser.ExpectAccountAsync();
            await page.GotoAsync("/projects");
            await Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync("Your projects");
            projects = await page.Locator("li.card.project").CountAsync();
            await page.GotoAsync("/flow");
            await Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync("The OAuth flow, step by step");
        }
        return projects;
    }
}
