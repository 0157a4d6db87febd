using System.Net;
using AgilePlanner.Api;
using AgilePlanner.AspNetCore;
using AgilePlanner.WebApp.Tests.Infrastructure;
using AngleSharp.Dom;
using AngleSharp.Html.Dom;
using Microsoft.Extensions.DependencyInjection;

namespace AgilePlanner.WebApp.Tests.Flow;

/// <summary>
/// The sequence diagram at the top of /flow after a real connection to the built-in sandbox: an arrow for every
/// recorded step in both layouts, each a link to a step on the page, and repeated API calls folded per path.
/// </summary>
public sealed class FlowDiagramSandboxTests : IAsyncDisposable
{
    private readonly AgilePlannerAppFactory _app = new();

    public FlowDiagramSandboxTests()
    {
        // Every visit of the account page asks the API again, so the record has repeated calls to fold.
        _app.With("AgilePlanner:ApiCacheDuration", "00:00:00");
        _app.ConfigureTestServices = services =>
        {
            foreach (var name in new[] { AgilePlannerAuthenticationDefaults.BackchannelHttpClientName, AgilePlannerApiClient.HttpClientName })
            {
                services.AddHttpClient(name).ConfigurePrimaryHttpMessageHandler(() => _app.Server.CreateHandler());
            }
        };
    }

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task After_a_sandbox_sign_in_the_diagram_has_one_arrow_per_step_each_linking_to_that_step()
    {
        using var ada = await SandboxUser.SignInAsync(_app);
        var callback = await FlowInspectorSandboxTests.AuthorizeAsync(ada, "Allow");
        using var signedIn = await ada.Browser.GetAsync(callback, Cancel);
        Assert.Equal("/account", signedIn.Headers.Location?.OriginalString);
        for (var visit = 0; visit < 3; visit++)
        {
            using var account = await ada.Browser.GetAsync("/account", Cancel);
            Assert.Equal(HttpStatusCode.OK, account.StatusCode);
        }

        var page = await FlowPageAsync(ada);
        var steps = page.QuerySelectorAll("section.flow-step").ToList();
        // The sign-in reads GET /me for the account's name, then each of the three visits reads it again.
        Assert.Equal(["Authorize", "Callback", "TokenRequest", "TokenResponse", "ApiCall", "ApiCall", "ApiCall", "ApiCall"], steps.Select(s => s.GetAttribute("data-kind")));

        var labels = AssertArrowsMatchSteps(page, steps);
        Assert.Equal(
            [
                "GET /sandbox/oauth/authorize",
                "sign-in and consent: allowed",
                "GET /callback (code)",
                "POST /sandbox/oauth/token (authorization_code)",
                "200 OK, tokens",
            ],
            labels[..5]);
        // The first read is a 200; later ones revalidate the account with its ETag and may get a 304.
        Assert.Equal("GET /sandbox/api/v1/me → 200", labels[5]);
        Assert.All(labels[6..], label => Assert.Matches(@"^GET /sandbox/api/v1/me → (200|304)$", label));
        var statuses = string.Join(", ", labels[5..].Select(l => l[^3..]).GroupBy(s => s).OrderByDescending(g => g.Count()).Select(g => $"{g.Key} ×{g.Count()}"));
        // Red where the step below says it failed, and nowhere in the connection itself.
        foreach (var svg in page.QuerySelectorAll("svg.flow-diagram-svg"))
        {
            Assert.Equal(steps.Select(s => s.ClassList.Contains("failed")), svg.QuerySelectorAll("a[data-step]").Select(a => a.ClassList.Contains("failed")));
        }
        Assert.DoesNotContain(steps.Take(4), s => s.ClassList.Contains("failed"));

        // The four calls to /me in one collapsible group, its summary saying what they got, open only if one failed.
        var group = Assert.Single(page.QuerySelectorAll("details.flow-group"));
        Assert.Equal(steps.Skip(4).Any(s => s.ClassList.Contains("failed")), group.HasAttribute("open"));
        Assert.Equal(
            $"GET /sandbox/api/v1/me: 4 calls, {statuses} (steps 5 to 8)",
            string.Join(' ', group.QuerySelector("summary")!.TextContent.Split((char[])[' ', '\n', '\r'], StringSplitOptions.RemoveEmptyEntries)));
        Assert.Equal(["step-5", "step-6", "step-7", "step-8"], group.QuerySelectorAll("section.flow-step").Select(s => s.Id));
    }

    [Fact]
    public async Task After_Deny_the_consent_the_callback_and_the_refusal_are_drawn_as_failures()
    {
        using var ada = await SandboxUser.SignInAsync(_app);
        var callback = await FlowInspectorSandboxTests.AuthorizeAsync(ada, "Deny");
        using var refused = await ada.Browser.GetAsync(callback, Cancel);

        var page = await FlowPageAsync(ada);
        var steps = page.QuerySelectorAll("section.flow-step").ToList();

        var labels = AssertArrowsMatchSteps(page, steps);
        Assert.Equal(["GET /sandbox/oauth/authorize", "sign-in and consent: denied", "GET /callback (error=access_denied)", "The app refused the callback"], labels);
        foreach (var svg in page.QuerySelectorAll("svg.flow-diagram-svg"))
        {
            Assert.Equal(
                ["#step-2", "#step-2", "#step-3"],
                svg.QuerySelectorAll("a.failed").Select(a => a.GetAttribute("href")));
            Assert.All(svg.QuerySelectorAll("a.failed line, a.failed path"), line => Assert.Equal("#b3261e", line.GetAttribute("stroke")));
        }
        Assert.Empty(page.QuerySelectorAll("details.flow-group"));
    }

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();

    private static async Task<IHtmlDocument> FlowPageAsync(SandboxUser user)
    {
        using var flow = await user.Browser.GetAsync("/flow", Cancel);
        Assert.Equal(HttpStatusCode.OK, flow.StatusCode);
        return await Html.ParseAsync(flow);
    }

    /// <summary>
    /// In both layouts: one arrow a step, in order, of the step's kind, linking to that step's id on the page, and any
    /// other arrow (the sign-in and consent) linking to an existing step too. Returns the wide layout's labels.
    /// </summary>
    private static List<string> AssertArrowsMatchSteps(IHtmlDocument page, IReadOnlyList<IElement> steps)
    {
        var layouts = page.QuerySelectorAll("figure.flow-diagram svg.flow-diagram-svg").ToList();
        Assert.Equal(["wide", "narrow"], layouts.Select(svg => svg.GetAttribute("data-layout")));
        foreach (var svg in layouts)
        {
            var arrows = svg.QuerySelectorAll("a[data-step]").ToList();
            Assert.Equal(steps.Count, arrows.Count);
            for (var i = 0; i < steps.Count; i++)
            {
                Assert.Equal($"#{steps[i].Id}", arrows[i].GetAttribute("href"));
                Assert.Equal(steps[i].GetAttribute("data-kind"), arrows[i].GetAttribute("data-kind"));
            }
            foreach (var link in svg.QuerySelectorAll("a"))
            {
                var target = link.GetAttribute("href")!;
                Assert.StartsWith("#step-", target);
                Assert.NotNull(page.GetElementById(target[1..]));
                Assert.False(string.IsNullOrWhiteSpace(link.QuerySelector("title")?.TextContent), "Each arrow is named for screen readers.");
            }
        }
        return layouts[0].QuerySelectorAll("a text.flow-arrow-label").Select(t => t.TextContent).ToList();
    }
}
