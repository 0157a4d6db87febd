using System.Globalization;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using static AgilePlanner.WebApp.Tests.Browser.AgilePlannerFlow;
using static Microsoft.Playwright.Assertions;

namespace AgilePlanner.WebApp.Tests.Browser;

/// <summary>
/// The flow page's sequence diagram as Chromium draws it, at a laptop's width and a phone's: its arrows are the
/// recorded steps, each opens its step, a Deny is drawn in red, and the page around it lines up and fits.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class FlowPageDiagramTests(ChromiumFixture chromium, LiveApp app) : IClassFixture<LiveApp>
{
    private const string FailureRed = "rgb(179, 38, 30)";

    [Fact]
    public async Task A_connection_is_drawn_as_one_arrow_a_step_and_each_arrow_opens_its_step()
    {
        await using var session = await BrowserSession.OpenAsync(chromium, app);
        var page = await session.NewPageAsync();
        await page.SetViewportSizeAsync(1280, 900);
        await ConnectAsync(session, page);
        await AssertNavigationLinesUpAsync(page);

        // A project and two of its iterations: the stories path is called again and again, with another query each time.
        await page.GotoAsync("/projects");
        await page.Locator("main a[href^='/projects/']").First.ClickAsync();
        var tabs = page.Locator(".iterations li a");
        await Expect(tabs.First).ToBeVisibleAsync();
        await tabs.Nth(0).ClickAsync();
        await Expect(page).ToHaveURLAsync(new Regex(@"\?iteration=[0-9]+$"));
        await page.Locator(".iterations li a").Nth(1).ClickAsync();
        await Expect(page.Locator(".iterations li.chosen a")).ToHaveTextAsync((await page.Locator(".iterations li a").Nth(1).InnerTextAsync()).Trim());

        await page.GotoAsync("/flow");
        await Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync("The OAuth flow, step by step");
        await AssertNavigationLinesUpAsync(page);
        var wide = page.Locator("figure.flow-diagram svg.wide");
        await Expect(wide).ToBeVisibleAsync();
        await Expect(page.Locator("figure.flow-diagram svg.narrow")).ToBeHiddenAsync();
        var steps = await StepsAsync(page);
        Assert.Equal(["Authorize", "Callback", "TokenRequest", "TokenResponse", "ApiCall"], steps.Take(5).Select(s => s.Kind));
        Assert.Equal(steps, await ArrowsAsync(wide));
        Assert.Empty(await wide.Locator("a.failed").AllAsync());
        await AssertLegibleAsync(wide);
        await wide.Locator("..").ScrollIntoViewIfNeededAsync();
        await page.Locator("figure.flow-diagram").ScreenshotAsync(new() { Path = Path.Combine(BrowserSession.ScreenshotRoot, nameof(A_connection_is_drawn_as_one_arrow_a_step_and_each_arrow_opens_its_step), "99-diagram.png") });

        // The repeated stories calls sit in a closed group; an arrow into it opens it at that step.
        var group = page.Locator("details.flow-group").Filter(new() { HasTextRegex = new Regex("/stories: [0-9]+ calls") });
        await Expect(group).ToHaveCountAsync(1);
        Assert.False(await group.EvaluateAsync<bool>("d => d.open"), "The group of repeated calls starts closed.");
        foreach (var (id, _) in steps)
        {
            await wide.Locator($"a[href='#{id}']").First.ClickAsync();
            await Expect(page).ToHaveURLAsync(new Regex($"#{id}$"));
            await Expect(page.Locator($"section#{id} h2")).ToBeInViewportAsync();
        }
        Assert.True(await group.EvaluateAsync<bool>("d => d.open"), "Following an arrow into the group opened it.");
        await AssertParameterNamesOnOneLineAsync(page);

        // On a phone: the narrow drawing, the same arrows, legible, and nothing wider than the screen.
        await page.SetViewportSizeAsync(390, 844);
        var narrow = page.Locator("figure.flow-diagram svg.narrow");
        await Expect(narrow).ToBeVisibleAsync();
        await Expect(wide).ToBeHiddenAsync();
        Assert.Equal(steps, await ArrowsAsync(narrow));
        await AssertLegibleAsync(narrow);
        await AssertParameterNamesOnOneLineAsync(page);
        await AssertNoHorizontalOverflowAsync(page);
        await AssertNavigationLinesUpAsync(page);
        session.AssertNothingLeakedOrBroke();
    }

    [Fact]
    public async Task On_a_phone_a_denied_connection_is_drawn_with_its_failure_in_red()
    {
        await using var session = await BrowserSession.OpenAsync(chromium, app);
        var page = await session.NewPageAsync();
        await page.SetViewportSizeAsync(390, 844);
        await ConnectFromHomeAsync(session, page);
        await SignInAtSandboxAsync(session, page);
        await ExpectConsentAsync(session, page);
        await DenyAsync(page);
        await Expect(page).ToHaveURLAsync(new Regex($"^{Regex.Escape(app.AppUrl.ToString())}"));

        await page.GotoAsync("/flow");
        var narrow = page.Locator("figure.flow-diagram svg.narrow");
        await Expect(narrow).ToBeVisibleAsync();
        var steps = await StepsAsync(page);
        Assert.Equal(["Authorize", "Callback", "Failure"], steps.Select(s => s.Kind));
        Assert.Equal(steps, await ArrowsAsync(narrow));
        await session.SnapAsync(page, "diagram-phone");

        // The consent (Deny), the callback that brought the error back and the refusal are red; the authorize request is not.
        var colours = await narrow.Locator("a").EvaluateAllAsync<string[]>(
            "links => links.map(a => `${a.getAttribute('href')} ${a.classList.contains('failed')} ${getComputedStyle(a.querySelector('line, path')).stroke}`)");
        Assert.Equal(
            ["#step-1 false rgb(29, 36, 51)", $"#step-2 true {FailureRed}", $"#step-2 true {FailureRed}", $"#step-3 true {FailureRed}"],
            colours);
        await Expect(narrow.Locator("a.implied text.flow-arrow-label")).ToHaveTextAsync("sign-in and consent: denied");

        await narrow.Locator("a[data-step='2']").ClickAsync();
        await Expect(page).ToHaveURLAsync(new Regex("#step-2$"));
        await Expect(page.Locator("section#step-2 h2")).ToBeInViewportAsync();
        await Expect(page.Locator("section#step-2 .flow-outcome")).ToContainTextAsync("Access was denied (error=access_denied)");
        await AssertLegibleAsync(narrow);
        await AssertParameterNamesOnOneLineAsync(page);
        await AssertNoHorizontalOverflowAsync(page);
        await session.SnapAsync(page, "denied-flow-phone");
        session.AssertNothingLeakedOrBroke();
    }

    /// <summary>The recorded steps on the page, in order: each section's id and kind.</summary>
    private static async Task<List<(string Id, string Kind)>> StepsAsync(IPage page) =>
        Pairs(await page.Locator("section.flow-step").EvaluateAllAsync<string[]>("sections => sections.map(s => `${s.id} ${s.dataset.kind}`)"));

    /// <summary>The diagram's arrows for recorded steps, in order: the step each links to and its kind.</summary>
    private static async Task<List<(string Id, string Kind)>> ArrowsAsync(ILocator svg) =>
        Pairs(await svg.Locator("a[data-step]").EvaluateAllAsync<string[]>("links => links.map(a => `${a.getAttribute('href').slice(1)} ${a.getAttribute('data-kind')}`)"));

    private static List<(string Id, string Kind)> Pairs(string[] values) =>
        values.Select(v => v.Split(' ')).Select(p => (p[0], p[1])).ToList();

    /// <summary>The arrows' labels are drawn at least 10 px tall on the screen, whatever the diagram's scale.</summary>
    private static async Task AssertLegibleAsync(ILocator svg)
    {
        var heights = await svg.Locator("text.flow-arrow-label").EvaluateAllAsync<double[]>("texts => texts.map(t => t.getBoundingClientRect().height)");
        Assert.NotEmpty(heights);
        Assert.True(heights.Min() >= 10, $"Labels are drawn {heights.Min():0.#} px tall.");
    }

    /// <summary>Every parameter, field and header name of the steps' tables sits on one line.</summary>
    private static async Task AssertParameterNamesOnOneLineAsync(IPage page)
    {
        var broken = await page.Locator("section.flow-step table th code").EvaluateAllAsync<string[]>(
            "names => names.filter(n => n.offsetParent !== null && n.getClientRects().length > 1).map(n => n.textContent)");
        Assert.True(broken.Length == 0, $"Names broken over lines at {page.ViewportSize?.Width} px: {string.Join(", ", broken)}");
        Assert.True(await page.Locator("section.flow-step table th code").CountAsync() > 5, "The steps have parameter tables.");
    }

    /// <summary>
    /// The navigation bar's items (links, the Disconnect form, See the flow) share one centre line in each row they
    /// wrap into; items are in one row when their boxes overlap vertically.
    /// </summary>
    private static async Task AssertNavigationLinesUpAsync(IPage page)
    {
        await Expect(page.Locator("header.site nav a.flow-link")).ToHaveTextAsync("See the flow");
        var boxes = (await page.Locator("header.site nav > *").EvaluateAllAsync<string[]>(
                "items => items.map(i => { const r = i.getBoundingClientRect(); return `${i.textContent.trim()}|${r.top}|${r.bottom}`; })"))
            .Select(b => b.Split('|'))
            .Select(p => (Item: p[0], Top: double.Parse(p[1], CultureInfo.InvariantCulture), Bottom: double.Parse(p[2], CultureInfo.InvariantCulture)))
            .ToList();
        Assert.True(boxes.Count >= 2, $"The navigation has {boxes.Count} items.");
        var rows = new List<List<(string Item, double Top, double Bottom)>>();
        foreach (var box in boxes)
        {
            var row = rows.FirstOrDefault(r => box.Top < r[0].Bottom && box.Bottom > r[0].Top);
            if (row is null)
            {
                rows.Add([box]);
            }
            else
            {
                row.Add(box);
            }
        }
        foreach (var row in rows)
        {
            var centres = row.Select(b => (b.Item, Centre: (b.Top + b.Bottom) / 2)).ToList();
            var spread = centres.Max(c => c.Centre) - centres.Min(c => c.Centre);
            Assert.True(spread <= 1, $"The navigation's items are out of line on {page.Url} at {page.ViewportSize?.Width} px by {spread:0.#} px: {string.Join(", ", centres.Select(c => $"{c.Item} at {c.Centre:0.#}"))}");
        }
        Assert.Contains(rows, r => r.Count >= 2);
    }

    /// <summary>The page never scrolls sideways; the message names the elements that stick out.</summary>
    private static async Task AssertNoHorizontalOverflowAsync(IPage page)
    {
        var outside = await page.EvaluateAsync<string[]>(
            "() => [...document.body.querySelectorAll('*')].filter(e => !e.closest('pre') && e.getBoundingClientRect().right > window.innerWidth + 0.5)"
            + ".map(e => `${e.tagName.toLowerCase()}.${e.getAttribute('class') ?? ''} ${Math.round(e.getBoundingClientRect().left)} to ${Math.round(e.getBoundingClientRect().right)} px ${e.textContent.slice(0,40)}`).slice(0, 30)");
        Assert.True(await page.EvaluateAsync<bool>("() => document.documentElement.scrollWidth <= window.innerWidth"),
            $"The page scrolls sideways at {page.ViewportSize?.Width} px: {await page.EvaluateAsync<int>("() => document.documentElement.scrollWidth")} px wide ({string.Join(", ", outside)}).");
    }
}
