using System.Text.RegularExpressions;
using Microsoft.Playwright;
using static AgilePlanner.WebApp.Tests.Browser.AgilePlannerFlow;
using static Microsoft.Playwright.Assertions;

namespace AgilePlanner.WebApp.Tests.Browser;

/// <summary>Every demo project and every iteration tab, clicked in Chromium: each shows its stories.</summary>
[Collection(BrowserCollection.Name)]
public sealed class IterationTabsTests(ChromiumFixture chromium, LiveApp app) : IClassFixture<LiveApp>
{
    [Fact]
    public async Task Every_demo_project_shows_stories_on_every_iteration_tab()
    {
        await using var session = await BrowserSession.OpenAsync(chromium, app);
        var page = await session.NewPageAsync();
        await ConnectAsync(session, page);

        await page.GotoAsync("/projects");
        var projectLinks = page.Locator("main .project h2 a");
        await Expect(projectLinks.First).ToBeVisibleAsync();
        var projects = await projectLinks.AllInnerTextsAsync();
        Assert.True(projects.Count >= 3, $"{projects.Count} projects");

        for (var index = 0; index < projects.Count; index++)
        {
            var name = projects[index].Trim();
            await page.GotoAsync("/projects");
            await page.GetByRole(AriaRole.Link, new() { Name = name, Exact = true }).ClickAsync();
            await Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync(name);
            var stories = page.Locator("table.stories tbody tr");
            await Expect(stories.First).ToBeVisibleAsync();
            if (index == 1)
            {
                await session.SnapAsync(page, "second-project");
            }

            var tabs = (await page.Locator(".iterations li a").AllInnerTextsAsync()).Select(t => t.Trim()).ToList();
            Assert.True(tabs.Count >= 3, $"{name}: {tabs.Count} iterations");
            foreach (var tab in tabs)
            {
                await page.Locator(".iterations li a").GetByText(tab, new() { Exact = true }).ClickAsync();
                await Expect(page).ToHaveURLAsync(new Regex(@"\?iteration=[0-9]+$"));
                await Expect(page.Locator(".iterations li.chosen a")).ToHaveTextAsync(tab);
                await Expect(page.GetByRole(AriaRole.Heading, new() { Level = 2, Name = $"Stories in {tab}" })).ToBeVisibleAsync();
                await Expect(page.GetByText("No stories here.")).ToHaveCountAsync(0);
                Assert.True(await stories.CountAsync() > 0, $"{name}, {tab}: no stories");
            }
        }
        session.AssertNothingLeakedOrBroke();
    }
}
