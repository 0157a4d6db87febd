using System.Net;
using AgilePlanner.WebApp.Tests.Infrastructure;
using AngleSharp.Html.Dom;
using Microsoft.AspNetCore.WebUtilities;

namespace AgilePlanner.WebApp.Tests.WebApp;

/// <summary>
/// Every project, every iteration tab: the stories are there. The contract's <c>iteration</c> is the iteration's number,
/// which on the demo's first project happens to equal its id, so only walking them all shows the difference.
/// </summary>
public sealed class IterationTabsTests
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Every_demo_project_shows_stories_on_every_iteration_tab_of_the_sandbox()
    {
        await using var app = new SandboxAppFactory();
        using var ada = await SandboxUser.SignInAsync(app);
        await ConnectAtTheSandboxAsync(ada);

        var walked = await WalkEveryTabAsync(ada.Browser);

        Assert.True(walked.Count >= 3, $"{walked.Count} projects");
        Assert.All(walked, project => Assert.True(project.Value >= 3, $"{project.Key}: {project.Value} tabs"));
        var storyRequests = app.BackChannel.Where(e => e.Uri.AbsolutePath.EndsWith("/stories", StringComparison.Ordinal)).ToList();
        Assert.All(storyRequests, e => Assert.Equal(200, e.Status));
    }

    [Fact]
    public async Task A_new_accounts_starter_project_shows_its_stories()
    {
        await using var app = new SandboxAppFactory();
        using var grace = await SandboxUser.SignUpAsync(app);
        await ConnectAtTheSandboxAsync(grace);

        var walked = await WalkEveryTabAsync(grace.Browser);

        Assert.Equal(2, Assert.Single(walked).Value);
    }

    [Fact]
    public async Task Every_iteration_tab_asks_a_remote_provider_for_the_iterations_number_not_its_id()
    {
        await using var app = new ClientAppFactory();
        app.Provider.IssuingTokens().ServingApi(NumberedIterations);
        using var browser = app.CreateBrowser();
        await ClientFlow.ConnectAsync(browser);

        var walked = await WalkEveryTabAsync(browser);

        Assert.Equal(new Dictionary<string, int> { ["Engine"] = 3, ["Notes"] = 3 }, walked);
        var asked = app.Provider.ApiRequests.Where(r => r.Uri.AbsolutePath.EndsWith("/stories", StringComparison.Ordinal))
            .Select(r => QueryHelpers.ParseQuery(r.Uri.Query)["iteration"].ToString()).ToHashSet();
        Assert.Equal(["1", "2", "3"], asked.Order());
        Assert.Empty(app.Provider.Unexpected);
    }

    [Fact]
    public async Task A_project_page_asks_for_the_project_and_its_iterations_at_once()
    {
        await using var app = new ClientAppFactory();
        using var iterationsAsked = new ManualResetEventSlim();
        var askedTogether = false;
        // The project's answer waits for the iterations' request: asked one after the other, it would wait in vain.
        app.Provider.IssuingTokens().ServingApi((request, path) =>
        {
            var route = path.Split('?')[0];
            if (route == "projects/7/iterations")
            {
                iterationsAsked.Set();
            }
            else if (route == "projects/7")
            {
                askedTogether = iterationsAsked.Wait(TimeSpan.FromSeconds(5), Cancel);
            }
            return NumberedIterations(request, path);
        });
        using var browser = app.CreateBrowser();
        await ClientFlow.ConnectAsync(browser);

        using var response = await browser.GetAsync("/projects/7", Cancel);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.True(askedTogether, "The iterations were asked for only after the project's answer.");
        var page = await Html.ParseAsync(response);
        Assert.Equal("Engine", page.QuerySelector("h1")?.TextContent.Trim());
    }

    /// <summary>Opens every project of the list and every iteration tab of each; each tab must list stories of its own.</summary>
    private static async Task<Dictionary<string, int>> WalkEveryTabAsync(HttpClient browser)
    {
        var walked = new Dictionary<string, int>();
        var (listed, projects) = await ClientFlow.PageAsync(browser, "/projects");
        Assert.Equal(HttpStatusCode.OK, listed.StatusCode);
        foreach (var projectLink in projects.QuerySelectorAll(".project h2 a").Select(a => a.GetAttribute("href")!).ToList())
        {
            var (_, project) = await ClientFlow.PageAsync(browser, projectLink);
            var name = project.QuerySelector("h1")!.TextContent.Trim();
            Assert.NotEmpty(Stories(project));
            var tabs = project.QuerySelectorAll(".iterations li a").Select(a => (Href: a.GetAttribute("href")!, Text: a.TextContent.Trim())).ToList();
            Assert.NotEmpty(tabs);
            var seen = new HashSet<string>();
            foreach (var (href, text) in tabs)
            {
                var (response, tab) = await ClientFlow.PageAsync(browser, href);
                Assert.Equal(HttpStatusCode.OK, response.StatusCode);
                Assert.Equal(text, tab.QuerySelector(".iterations li.chosen a")?.TextContent.Trim());
                var stories = Stories(tab);
                Assert.True(stories.Count > 0, $"{name}, {text}: {tab.QuerySelector("main")?.TextContent.Trim()}");
                Assert.True(seen.Add(string.Join("|", stories)), $"{name}, {text} lists the same stories as another tab");
            }
            walked[name] = tabs.Count;
        }
        return walked;
    }

    private static List<string> Stories(IHtmlDocument page) =>
        [.. page.QuerySelectorAll("table.stories tbody td.story-title").Select(td => td.TextContent.Trim())];

    private static async Task ConnectAtTheSandboxAsync(SandboxUser user)
    {
        var consent = await ClientFlow.GetPageAsync(user.Browser, "/connect");
        Assert.Equal(HttpStatusCode.OK, consent.StatusCode);
        var account = await ClientFlow.FollowAsync(user.Browser, await user.DecideAsync(consent, "Allow"));
        Assert.Equal("/account", account.RequestMessage!.RequestUri!.AbsolutePath);
    }

    /// <summary>
    /// Two projects whose iteration ids (11, 12, 13 and 21, 22, 23) are not their numbers (1, 2, 3), answering stories
    /// only for a number, as the contract says, and 400 for anything else.
    /// </summary>
    private static HttpResponseMessage? NumberedIterations(RecordedRequest request, string path)
    {
        var projects = new[] { (Id: "7", Name: "Engine", Ids: 10), (Id: "8", Name: "Notes", Ids: 20) };
        var route = path.Split('?')[0];
        if (route == "projects")
        {
            return ProviderDouble.Json(HttpStatusCode.OK, new
            {
                items = projects.Select(p => new { id = p.Id, name = p.Name, description = "", velocity = 8, currentIteration = 2, memberCount = 2, updatedAt = "2026-11-01T00:00:00Z" }),
                nextCursor = (string?)null,
            });
        }
        foreach (var project in projects)
        {
            if (route == $"projects/{project.Id}")
            {
                return ProviderDouble.Json(HttpStatusCode.OK, new { id = project.Id, name = project.Name, description = "", velocity = 8, currentIteration = 2, memberCount = 2, updatedAt = "2026-11-01T00:00:00Z" });
            }
            if (route == $"projects/{project.Id}/iterations")
            {
                return ProviderDouble.Json(HttpStatusCode.OK, new
                {
                    items = Enumerable.Range(1, 3).Select(n => new
                    {
                        id = project.Ids + n, number = n, name = $"Iteration {n}", start = "2026-11-01T00:00:00Z", finish = "2026-11-15T00:00:00Z",
                        state = n switch { 1 => "done", 2 => "current", _ => "planned" }, points = 8,
                    }),
                    nextCursor = (string?)null,
                });
            }
            if (route == $"projects/{project.Id}/stories")
            {
                var iteration = QueryHelpers.ParseQuery(request.Uri.Query)["iteration"].ToString();
                if (!int.TryParse(iteration, out var number) || number is < 1 or > 3)
                {
                    return ProviderDouble.Json(HttpStatusCode.BadRequest, new { error = "invalid_request", message = "iteration must be an iteration number (1, 2, ...)." });
                }
                return ProviderDouble.Json(HttpStatusCode.OK, new
                {
                    items = Enumerable.Range(1, 2).Select(s => new
                    {
                        id = $"{project.Id}-{number}-{s}", title = $"{project.Name} story {s} of iteration {number}", type = "feature", state = "started",
                        points = 2, ownerName = "Ada", labels = Array.Empty<string>(), updatedAt = "2026-11-02T00:00:00Z",
                    }),
                    nextCursor = (string?)null,
                });
            }
        }
        return null;
    }
}
