using System.Xml.Linq;
using AgilePlanner.WebApp.Flow;

namespace AgilePlanner.WebApp.Tests.Flow;

/// <summary>The sequence diagram's builder: an arrow for each kind of step, failures in red, every arrow a link to its step.</summary>
public sealed class FlowDiagramTests
{
    private static readonly XNamespace Svg = "http://www.w3.org/2000/svg";
    private static readonly DateTimeOffset Start = new(2026, 3, 2, 9, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Each_kind_of_step_is_an_arrow_between_the_right_parties_labelled_with_method_path_and_status()
    {
        var record = Record(
            Step(FlowStepKind.ApiCall, 0, Request("POST", "http://localhost/sandbox/oauth/par", ("response_type", "code"), ("client_id", "app")), Response(201)),
            Step(FlowStepKind.Authorize, 5, Request("GET", "http://localhost/sandbox/oauth/authorize?response_type=code&state=abcd…wxyz")),
            Callback(900, ("code", "abcd…wxyz"), ("state", "abcd…wxyz"), ("iss", "http://localhost/sandbox/")),
            Step(FlowStepKind.TokenRequest, 950, Request("POST", "http://localhost/sandbox/oauth/token", ("grant_type", "authorization_code"))),
            Step(FlowStepKind.TokenResponse, 950, null, Response(200), duration: 42),
            Step(FlowStepKind.ApiCall, 1000, Request("GET", "http://localhost/sandbox/api/v1/projects?page=2"), Response(200), duration: 7),
            Step(FlowStepKind.Refresh, 12_000, Request("POST", "http://localhost/sandbox/oauth/token", ("grant_type", "refresh_token")), Response(200), duration: 30),
            Step(FlowStepKind.Revocation, 13_000, Request("POST", "http://localhost/sandbox/oauth/revoke", ("token", "abcd…wxyz")), Response(200), duration: 5),
            Step(FlowStepKind.Failure, 14_000, null, title: "The app refused the callback"));

        var diagram = FlowDiagram.For(record);

        var recorded = diagram.Arrows.Where(a => a.Recorded).ToList();
        Assert.Equal(Enumerable.Range(1, 9), recorded.Select(a => a.StepNumber));
        Assert.Equal(
            [
                (FlowLifeline.App, FlowLifeline.Provider, "POST /sandbox/oauth/par (PAR push) → 201"),
                (FlowLifeline.Browser, FlowLifeline.Provider, "GET /sandbox/oauth/authorize"),
                (FlowLifeline.Browser, FlowLifeline.App, "GET /callback (code)"),
                (FlowLifeline.App, FlowLifeline.Provider, "POST /sandbox/oauth/token (authorization_code)"),
                (FlowLifeline.Provider, FlowLifeline.App, "200 OK, tokens"),
                (FlowLifeline.App, FlowLifeline.Provider, "GET /sandbox/api/v1/projects?page=2 → 200"),
                (FlowLifeline.App, FlowLifeline.Provider, "POST /sandbox/oauth/token (refresh_token) → 200"),
                (FlowLifeline.App, FlowLifeline.Provider, "POST /sandbox/oauth/revoke → 200"),
                (FlowLifeline.App, FlowLifeline.App, "The app refused the callback"),
            ],
            recorded.Select(a => (a.From, a.To, a.Label)));
        Assert.True(recorded[4].IsAnswer);

        // The sign-in and consent at the provider, just before the callback it ended with, linked to that callback.
        var consent = Assert.Single(diagram.Arrows, a => !a.Recorded);
        Assert.Equal(2, diagram.Arrows.ToList().IndexOf(consent));
        Assert.Equal((FlowLifeline.Provider, FlowLifeline.Browser, "sign-in and consent: allowed", 3), (consent.From, consent.To, consent.Label, consent.StepNumber));

        // Timings beside each arrow: from the start, and how long a back-channel call took.
        var svg = diagram.ToSvg(FlowDiagramLayout.Wide);
        var tokenTime = Time(Link(svg, 5));
        Assert.Equal("+950 ms", tokenTime.FirstNode!.ToString());
        Assert.Equal("took 42 ms", tokenTime.Element(Svg + "tspan")!.Value);
        Assert.Equal("+12.0 s", Time(Link(svg, 7)).FirstNode!.ToString());
        Assert.Equal("+950 ms, took 42 ms", Time(Link(diagram.ToSvg(FlowDiagramLayout.Narrow), 5)).Value);
    }

    [Theory]
    [InlineData(FlowDiagramLayout.Wide)]
    [InlineData(FlowDiagramLayout.Narrow)]
    public void Every_arrow_links_to_its_step_and_a_text_alternative_names_the_diagram(FlowDiagramLayout layout)
    {
        var record = Record(
            Step(FlowStepKind.Authorize, 0, Request("GET", "http://localhost/sandbox/oauth/authorize?x=1")),
            Callback(800, ("code", "abcd…wxyz")),
            Step(FlowStepKind.TokenRequest, 810, Request("POST", "http://localhost/sandbox/oauth/token", ("grant_type", "authorization_code"))),
            Step(FlowStepKind.TokenResponse, 810, null, Response(200)),
            Step(FlowStepKind.ApiCall, 900, Request("GET", "http://localhost/sandbox/api/v1/me"), Response(200)));

        var svg = FlowDiagram.For(record).ToSvg(layout, "test");

        var links = svg.Descendants(Svg + "a").ToList();
        Assert.Equal(6, links.Count);
        var recorded = links.Where(a => a.Attribute("data-step") is not null).ToList();
        Assert.Equal(["#step-1", "#step-2", "#step-3", "#step-4", "#step-5"], recorded.Select(a => (string?)a.Attribute("href")));
        Assert.Equal(record.Steps.Select(s => s.Kind.ToString()), recorded.Select(a => (string?)a.Attribute("data-kind")));
        Assert.Equal("#step-2", (string?)links.Single(a => a.Attribute("data-step") is null).Attribute("href"));
        Assert.All(links, a =>
        {
            Assert.False(string.IsNullOrWhiteSpace(a.Element(Svg + "title")?.Value), "Each link has an accessible name.");
            Assert.Single(a.Elements(), e => e.Name == Svg + "line" || e.Name == Svg + "path");
            Assert.Single(a.Elements(Svg + "polygon"));
        });
        Assert.Contains("Step 5: API call with the access token. GET /sandbox/api/v1/me → 200, at +900 ms", links[^1].Element(Svg + "title")!.Value);

        Assert.Equal($"test-{layout.ToString().ToLowerInvariant()}-title test-{layout.ToString().ToLowerInvariant()}-desc", (string?)svg.Attribute("aria-labelledby"));
        Assert.Equal("Sequence diagram of this browser's OAuth flow", svg.Element(Svg + "title")!.Value);
        Assert.StartsWith("5 steps between the browser, this app and Agile Planner", svg.Element(Svg + "desc")!.Value);
        Assert.Equal(3, svg.Elements(Svg + "g").Count(g => (string?)g.Attribute("class") == "flow-lifeline"));
        Assert.Null(svg.Descendants().FirstOrDefault(e => e.Attribute("style") is not null || e.Name.LocalName is "style" or "script"));
    }

    [Fact]
    public void A_denied_consent_and_the_refusal_that_follows_are_drawn_in_red_and_nothing_else_is()
    {
        var record = Record(
            Step(FlowStepKind.Authorize, 0, Request("GET", "http://localhost/sandbox/oauth/authorize?x=1")),
            Callback(700, ("error", "access_denied"), ("error_description", "The user denied access."), ("state", "abcd…wxyz")),
            Step(FlowStepKind.Failure, 705, null, title: "The app refused the callback"));
        record.Steps[1].Failed = true;
        record.Steps[2].Failed = true;

        var diagram = FlowDiagram.For(record);
        var svg = diagram.ToSvg(FlowDiagramLayout.Wide);

        Assert.Equal(["sign-in and consent: denied", "GET /callback (error=access_denied)", "The app refused the callback"], diagram.Arrows.Where(a => a.Failed).Select(a => a.Label));
        Assert.Equal(["flow-arrow", "flow-arrow failed implied", "flow-arrow failed", "flow-arrow failed"], svg.Descendants(Svg + "a").Select(a => (string?)a.Attribute("class")));
        foreach (var link in svg.Descendants(Svg + "a"))
        {
            var failed = ((string?)link.Attribute("class"))!.Contains("failed", StringComparison.Ordinal);
            var stroke = (string?)link.Elements().Single(e => e.Name == Svg + "line" || e.Name == Svg + "path").Attribute("stroke");
            var label = link.Elements(Svg + "text").First();
            Assert.Equal(failed, stroke == "#b3261e");
            Assert.Equal(failed, (string?)label.Attribute("fill") == "#b3261e");
            Assert.Equal(failed, (string?)link.Element(Svg + "polygon")!.Attribute("fill") == "#b3261e");
        }
        Assert.Contains("failed (drawn in red)", svg.Element(Svg + "desc")!.Value);
    }

    [Fact]
    public void A_token_endpoint_that_refused_or_never_answered_is_drawn_as_a_failure_with_its_reason()
    {
        var refused = Response(400);
        refused.Reason = "Bad Request";
        refused.Body = "{\n  \"error\": \"invalid_grant\"\n}";
        refused.BodyIsJson = true;
        var record = Record(
            Step(FlowStepKind.TokenResponse, 10, null, refused),
            Step(FlowStepKind.Failure, 20, Request("POST", "http://localhost/sandbox/oauth/token", ("grant_type", "refresh_token")), title: "Refresh failed: no answer"));
        record.Steps[0].Failed = true;
        record.Steps[1].Failed = true;

        var arrows = FlowDiagram.For(record).Arrows;

        Assert.Equal(["400 Bad Request (invalid_grant)", "POST /sandbox/oauth/token (refresh_token) ✕ no answer"], arrows.Select(a => a.Label));
        Assert.All(arrows, a => Assert.True(a.Failed));
        Assert.Equal((FlowLifeline.App, FlowLifeline.Provider), (arrows[1].From, arrows[1].To));
    }

    [Fact]
    public void Hostile_values_are_escaped_and_long_labels_are_cut_in_the_middle_with_the_whole_in_the_title()
    {
        var path = "/sandbox/api/v1/projects/" + new string('p', 120) + "/stories?x=</text><script>alert(1)</script>\u0001\uFFFE";
        var record = Record(Step(FlowStepKind.ApiCall, 0, Request("GET", path), Response(404)));
        record.Steps[0].Failed = true;

        var svg = FlowDiagram.For(record).ToSvg(FlowDiagramLayout.Narrow);
        var markup = svg.ToString(SaveOptions.DisableFormatting);

        Assert.DoesNotContain("<script", markup, StringComparison.OrdinalIgnoreCase);
        Assert.Null(XElement.Parse(markup).Descendants().FirstOrDefault(e => e.Name.LocalName == "script"));
        var label = Link(svg, 1).Elements(Svg + "text").Single(t => (string?)t.Attribute("class") == "flow-arrow-label").Value;
        Assert.True(label.Length <= 58, $"The label '{label}' is wider than a phone's diagram.");
        Assert.StartsWith("GET /sandbox/api/v1/projects/", label);
        Assert.Contains("…", label);
        Assert.EndsWith("pp/stories?… → 404", label);
        var title = Link(svg, 1).Element(Svg + "title")!.Value;
        Assert.Contains(new string('p', 120), title);
        Assert.Contains("</script>\uFFFD\uFFFD → 404", title);
    }

    [Theory]
    [InlineData("GET /sandbox/api/v1/projects/1/stories?iteration=4&limit=25 → 200", 65, "GET /sandbox/api/v1/projects/1/stories?iteration=4&limit=25 → 200")]
    [InlineData("GET /sandbox/api/v1/projects/1/stories?iteration=4&limit=25 → 200", 48, "GET /sandbox/api/v1/projects/1/stories?… → 200")]
    [InlineData("GET /sandbox/api/v1/projects/1/stories?iteration=4&limit=25 → 200", 30, "GET /sandbox/api/v…ies?… → 200")]
    [InlineData("GET /sandbox/oauth/authorize", 20, "GET /sandbox…thorize")]
    public void A_label_too_long_for_its_row_loses_its_query_first_then_its_middle(string label, int characters, string fitted)
    {
        Assert.Equal(fitted, FlowDiagram.Fit(label, characters));
        Assert.True(fitted.Length <= characters);
    }

    [Fact]
    public void Repeated_api_calls_fold_into_one_group_per_path_between_the_steps_of_the_connection()
    {
        var steps = new List<FlowStep>
        {
            Step(FlowStepKind.Authorize, 0, Request("GET", "http://localhost/sandbox/oauth/authorize?x=1")),
            Step(FlowStepKind.ApiCall, 1, Request("GET", "http://localhost/sandbox/api/v1/me"), Response(200)),
            Step(FlowStepKind.ApiCall, 2, Request("GET", "http://localhost/sandbox/api/v1/projects?page=1"), Response(200)),
            Step(FlowStepKind.ApiCall, 3, Request("GET", "http://localhost/sandbox/api/v1/me"), Response(401)),
            Step(FlowStepKind.ApiCall, 4, Request("GET", "http://localhost/sandbox/api/v1/projects?page=2"), Response(200)),
            Step(FlowStepKind.Refresh, 5, Request("POST", "http://localhost/sandbox/oauth/token", ("grant_type", "refresh_token")), Response(200)),
            Step(FlowStepKind.ApiCall, 6, Request("GET", "http://localhost/sandbox/api/v1/me"), Response(200)),
            Step(FlowStepKind.ApiCall, 7, Request("POST", "http://localhost/sandbox/api/v1/me"), Response(200)),
        };
        steps[3].Failed = true;

        var groups = FlowStepGroup.Fold(steps);

        Assert.Equal(
            [
                (null, "1"),
                ("GET /sandbox/api/v1/me", "2,4"),
                ("GET /sandbox/api/v1/projects", "3,5"),
                (null, "6"),
                ("GET /sandbox/api/v1/me", "7"),
                ("POST /sandbox/api/v1/me", "8"),
            ],
            groups.Select(g => (g.Path, string.Join(',', g.Numbers))));
        Assert.Equal([false, true, true, false, false, false], groups.Select(g => g.IsFolded));
        Assert.Equal("200 ×1, 401 ×1", groups[1].Statuses(steps));
        Assert.True(groups[1].AnyFailed(steps));
        Assert.False(groups[2].AnyFailed(steps));
    }

    private static FlowRecord Record(params FlowStep[] steps) => new() { StartedAt = Start, Steps = [.. steps] };

    private static FlowStep Step(FlowStepKind kind, double atMs, FlowHttpMessage? request, FlowHttpMessage? response = null, double? duration = null, string? title = null) => new()
    {
        Kind = kind,
        Title = title ?? kind switch
        {
            FlowStepKind.ApiCall => "API call with the access token",
            _ => kind.ToString(),
        },
        At = Start.AddMilliseconds(atMs),
        Request = request,
        Response = response,
        DurationMs = duration,
        Failed = response?.Status >= 400,
    };

    private static FlowStep Callback(double atMs, params (string Name, string Value)[] parameters)
    {
        var step = Step(FlowStepKind.Callback, atMs, Request("GET", "/callback?" + string.Join('&', parameters.Select(p => $"{p.Name}={Uri.EscapeDataString(p.Value)}"))));
        step.Parameters = parameters.Select(p => new FlowParameter { Name = p.Name, Value = p.Value }).ToList();
        return step;
    }

    private static FlowHttpMessage Request(string method, string url, params (string Name, string Value)[] form) => new()
    {
        Method = method,
        Url = url,
        Form = form.Select(f => new FlowParameter { Name = f.Name, Value = f.Value }).ToList(),
    };

    private static FlowHttpMessage Response(int status) => new() { Status = status, Reason = status == 200 ? "OK" : null };

    private static XElement Time(XElement link) => link.Elements(Svg + "text").Single(t => (string?)t.Attribute("class") == "flow-arrow-time");

    private static XElement Link(XElement svg, int step) => svg.Descendants(Svg + "a").Single(a => (string?)a.Attribute("data-step") == step.ToString(System.Globalization.CultureInfo.InvariantCulture));
}
