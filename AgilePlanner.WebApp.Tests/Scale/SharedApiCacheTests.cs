using System.Globalization;
using System.Net;
using System.Text.RegularExpressions;
using AgilePlanner.WebApp.Tests.Browser;
using AgilePlanner.WebApp.Tests.Infrastructure.RealServers;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace AgilePlanner.WebApp.Tests.Scale;

/// <summary>
/// Two instances on Redis share the API response cache: an answer one of them kept is dropped for both when the other writes
/// with the same token or disconnects it. The cache is made to keep answers for five minutes, so only an invalidation that
/// reaches the other instance can make its page change.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed partial class SharedApiCacheTests(ChromiumFixture chromium)
{
    [Fact]
    public async Task A_story_added_on_one_instance_shows_in_the_other_instances_cached_project_and_disconnect_drops_the_account_on_both()
    {
        await using var topology = await ScaleTopology.StartAsync(2, extraSettings: new Dictionary<string, string>
        {
            ["AgilePlanner__ApiCacheDuration"] = "00:05:00",
        });
        await using var browser = await BalancedBrowser.OpenAsync(chromium, topology.Balancer);
        var page = browser.Page;
        await browser.PinAsync("app1");
        await browser.ConnectAsync();

        // Writing needs the write scope: asked for on app1, from the first project's page.
        await page.GotoAsync("/projects");
        await page.Locator("main a[href^='/projects/']").First.ClickAsync();
        var project = page.Url;
        await page.Locator("#add-story").GetByRole(AriaRole.Link, new() { Name = "Allow writing" }).ClickAsync();
        await AgilePlannerFlow.AllowAsync(page);
        await Expect(page).ToHaveURLAsync(project);

        // The project and its iterations read on app2, then kept there: the second view shows the same points.
        await browser.PinAsync("app2");
        await page.GotoAsync(project);
        var before = await TotalPointsAsync(page);
        await page.GotoAsync(project);
        Assert.Equal(before, await TotalPointsAsync(page));
        Assert.Equal("app2", browser.ServedBy("GET", new Uri(project).AbsolutePath));

        // A story of 5 points added through app1: its current iteration now counts them.
        await browser.PinAsync("app1");
        await page.GotoAsync(project);
        var title = $"Shared cache {Guid.NewGuid():N}"[..24];
        var addStory = page.Locator("#add-story");
        await addStory.GetByLabel("Title").FillAsync(title);
        await addStory.GetByLabel("Points").FillAsync("5");
        await addStory.GetByRole(AriaRole.Button, new() { Name = "Add story" }).ClickAsync();
        await Expect(page.GetByText($"Story “{title}” added.")).ToBeVisibleAsync();
        Assert.Equal("app1", browser.ServedBy("POST", new Uri(project).AbsolutePath + "/stories"));

        // On app2 at once, well inside the five minutes its copy would otherwise be kept: the new story and its points.
        await browser.PinAsync("app2");
        await page.GotoAsync(project);
        await Expect(page.Locator("table.stories")).ToContainTextAsync(title);
        Assert.Equal(before + 5, await TotalPointsAsync(page));
        Assert.Equal("app2", browser.ServedBy("GET", new Uri(project).AbsolutePath));

        // The account read on app2 (kept there), then Disconnect on app1; the old session cookie replayed on app2.
        await page.GotoAsync("/account");
        await browser.ExpectAccountAsync();
        var oldCookie = string.Join("; ", (await browser.Context.CookiesAsync()).Where(c => c.Domain.TrimStart('.') == topology.Balancer.AppUrl.Host)
            .Select(c => c.Name + "=" + c.Value));
        await browser.PinAsync("app1");
        await AgilePlannerFlow.DisconnectAsync(page);
        Assert.Equal("app1", browser.ServedBy("POST", "/disconnect"));

        using var handler = new HttpClientHandler { AllowAutoRedirect = false, UseCookies = false };
        using var client = new HttpClient(handler) { BaseAddress = topology.Balancer.AppUrl };
        foreach (var path in new[] { "account", new Uri(project).AbsolutePath.TrimStart('/') })
        {
            using var replay = new HttpRequestMessage(HttpMethod.Get, path);
            replay.Headers.Add("Cookie", oldCookie);
            replay.Headers.Add(HaproxyBalancer.PinHeader, "app2");
            using var replayed = await client.SendAsync(replay, TestContext.Current.CancellationToken);
            var body = await replayed.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
            Assert.Equal("app2", replayed.Headers.GetValues(HaproxyBalancer.ServedByHeader).Single());
            Assert.True(replayed.StatusCode < HttpStatusCode.InternalServerError, $"{path}: {(int)replayed.StatusCode}");
            Assert.DoesNotContain(AgilePlannerFlow.DemoEmail, body, StringComparison.Ordinal);
            Assert.DoesNotContain(title, body, StringComparison.Ordinal);
        }
        Assert.DoesNotContain(browser.Answers, answer => answer.Status >= 500);
    }

    /// <summary>The points of every iteration the project page lists, as the page shows them.</summary>
    private static async Task<int> TotalPointsAsync(IPage page)
    {
        await Expect(page.Locator(".iterations li").First).ToBeVisibleAsync();
        var points = await page.Locator(".iterations .points").AllInnerTextsAsync();
        return points.Sum(text => int.Parse(Points().Match(text).Value, CultureInfo.InvariantCulture));
    }

    [GeneratedRegex("^[0-9]+")]
    private static partial Regex Points();
}
