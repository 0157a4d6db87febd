using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Xml;
using System.Xml.Linq;

namespace AgilePlanner.WebApp.Flow;

/// <summary>
/// A record drawn as a sequence diagram: the browser, this app and Agile Planner as lifelines, one arrow a step,
/// each a link to its step further down the page. Drawn on the server as SVG with presentation attributes only, so
/// the page needs no script and its <c>style-src 'self'</c> policy stays as it is.
/// </summary>
public sealed class FlowDiagram
{
    private const string Ink = "#1d2433";
    private const string Muted = "#5b6478";
    private const string Failure = "#b3261e";
    private const string Rule = "#c9d0dd";
    private const string Mono = "ui-monospace, 'DejaVu Sans Mono', Menlo, Consolas, monospace";
    private const string Sans = "system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif";

    private static readonly XNamespace Svg = "http://www.w3.org/2000/svg";

    // Monospace labels, so a label's width is its length times one character's advance (0.6 em).
    private static readonly Metrics WideMetrics = new(Width: 800, Top: 48, Row: 40, ArrowOffset: 26, Lifelines: [170, 400, 630], HeaderWidth: 150, FontSize: 12);
    private static readonly Metrics NarrowMetrics = new(Width: 360, Top: 48, Row: 50, ArrowOffset: 30, Lifelines: [53, 180, 307], HeaderWidth: 96, FontSize: 12);

    private FlowDiagram(IReadOnlyList<FlowDiagramArrow> arrows) => Arrows = arrows;

    /// <summary>The arrows top to bottom: one for each step of the record, plus the sign-in and consent before a callback.</summary>
    public IReadOnlyList<FlowDiagramArrow> Arrows { get; }

    /// <summary>The arrows of <paramref name="record"/>'s steps, in order.</summary>
    public static FlowDiagram For(FlowRecord record)
    {
        var arrows = new List<FlowDiagramArrow>();
        var authorizeSent = false;
        for (var i = 0; i < record.Steps.Count; i++)
        {
            var step = record.Steps[i];
            var number = i + 1;
            var offset = step.At > record.StartedAt ? step.At - record.StartedAt : TimeSpan.Zero;
            TimeSpan? duration = step.DurationMs is { } ms ? TimeSpan.FromMilliseconds(ms) : null;
            if (step.Kind == FlowStepKind.Authorize)
            {
                authorizeSent = true;
            }
            else if (step.Kind == FlowStepKind.Callback && authorizeSent)
            {
                // What happened at the provider is seen by the app only through what the callback brings back.
                authorizeSent = false;
                var answer = ParameterOf(step, "error") is { } error ? error == "access_denied" ? "denied" : $"error={Cut(error, 32)}" : ParameterOf(step, "code") is not null ? "allowed" : "no answer";
                arrows.Add(new FlowDiagramArrow(
                    number,
                    step.Kind,
                    FlowLifeline.Provider,
                    FlowLifeline.Browser,
                    $"sign-in and consent: {answer}",
                    $"At Agile Planner, sign-in and consent ({answer}); the app sees only the callback, step {number}.",
                    offset,
                    null,
                    step.Failed,
                    IsAnswer: true,
                    Recorded: false));
            }

            var (from, to, label, isAnswer) = Draw(step);
            var description = string.Create(
                CultureInfo.InvariantCulture,
                $"Step {number}: {step.Title}. {label}{(step.Failed ? ", failed" : null)}, at {FormatOffset(offset)}{(duration is { } took ? $", took {FormatDuration(took)}." : ".")}");
            arrows.Add(new FlowDiagramArrow(number, step.Kind, from, to, label, description, offset, duration, step.Failed, isAnswer, Recorded: true));
        }
        return new FlowDiagram(arrows);
    }

    /// <summary>The diagram as an <c>&lt;svg&gt;</c> element, its ids prefixed with <paramref name="idPrefix"/> so two layouts can share a page.</summary>
    public XElement ToSvg(FlowDiagramLayout layout, string idPrefix = "flow-diagram")
    {
        var metrics = layout == FlowDiagramLayout.Wide ? WideMetrics : NarrowMetrics;
        var height = metrics.Top + (Arrows.Count * metrics.Row) + 12;
        var name = layout.ToString().ToLowerInvariant();
        var titleId = $"{idPrefix}-{name}-title";
        var descriptionId = $"{idPrefix}-{name}-desc";
        var recorded = Arrows.Count(a => a.Recorded);
        var failed = Arrows.Count(a => a.Recorded && a.Failed);

        var svg = new XElement(
            Svg + "svg",
            new XAttribute("viewBox", $"0 0 {metrics.Width} {height}"),
            new XAttribute("width", metrics.Width),
            new XAttribute("height", height),
            new XAttribute("class", $"flow-diagram-svg {name}"),
            new XAttribute("aria-labelledby", $"{titleId} {descriptionId}"),
            new XAttribute("data-layout", name),
            new XElement(Svg + "title", new XAttribute("id", titleId), "Sequence diagram of this browser's OAuth flow"),
            new XElement(
                Svg + "desc",
                new XAttribute("id", descriptionId),
                Clean($"{recorded} steps between the browser, this app and Agile Planner, top to bottom{(failed > 0 ? $", {failed} of them failed (drawn in red)" : null)}. "
                    + "Each arrow links to its step below; the list after the diagram gives the same steps in words.")));

        for (var lane = 0; lane < metrics.Lifelines.Length; lane++)
        {
            var x = metrics.Lifelines[lane];
            svg.Add(new XElement(
                Svg + "g",
                new XAttribute("class", "flow-lifeline"),
                new XAttribute("data-lifeline", ((FlowLifeline)lane).ToString()),
                new XElement(Svg + "line", Attributes(("x1", x), ("y1", 36), ("x2", x), ("y2", height - 6), ("stroke", Rule), ("stroke-width", 1.5), ("stroke-dasharray", "2 3"))),
                new XElement(Svg + "rect", Attributes(("x", x - (metrics.HeaderWidth / 2.0)), ("y", 8), ("width", metrics.HeaderWidth), ("height", 28), ("rx", 6), ("fill", "#ffffff"), ("stroke", Rule))),
                Text(LifelineName((FlowLifeline)lane), x, 27, metrics.FontSize + 1, Ink, Sans, "middle", bold: true)));
        }

        for (var i = 0; i < Arrows.Count; i++)
        {
            svg.Add(DrawArrow(Arrows[i], metrics, metrics.Top + (i * metrics.Row), layout));
        }
        return svg;
    }

    private static XElement DrawArrow(FlowDiagramArrow arrow, Metrics metrics, double rowTop, FlowDiagramLayout layout)
    {
        var colour = arrow.Failed ? Failure : arrow.IsAnswer ? Muted : Ink;
        var x1 = metrics.Lifelines[(int)arrow.From];
        var x2 = metrics.Lifelines[(int)arrow.To];
        var labelY = rowTop + 16;
        var arrowY = rowTop + metrics.ArrowOffset;
        var charWidth = metrics.FontSize * 0.6;

        var link = new XElement(
            Svg + "a",
            new XAttribute("href", $"#step-{arrow.StepNumber}"),
            new XAttribute("class", "flow-arrow" + (arrow.Failed ? " failed" : null) + (arrow.Recorded ? null : " implied")),
            new XAttribute("data-kind", arrow.Kind.ToString()),
            new XElement(Svg + "title", Clean(arrow.Description)));
        if (arrow.Recorded)
        {
            link.Add(new XAttribute("data-step", arrow.StepNumber));
        }
        // The whole row is the link's target, not just a 1.5-pixel line.
        link.Add(new XElement(Svg + "rect", Attributes(("class", "flow-arrow-hit"), ("x", 0), ("y", rowTop), ("width", metrics.Width), ("height", metrics.Row), ("fill", "#2d5bd7"), ("fill-opacity", 0))));

        var dash = arrow.IsAnswer ? "6 4" : null;
        double labelLeft;
        if (x1 == x2)
        {
            // Something that happened inside one party: a loop on its lifeline.
            link.Add(new XElement(Svg + "path", Attributes(("d", $"M {x1} {F(arrowY - 6)} H {x1 + 24} V {F(arrowY + 6)} H {x1 + 9}"), ("fill", "none"), ("stroke", colour), ("stroke-width", 1.5), ("stroke-dasharray", dash))));
            link.Add(Head(x1 + 1, arrowY + 6, -1, colour));
            labelLeft = x1 + 32;
        }
        else
        {
            var direction = Math.Sign(x2 - x1);
            link.Add(new XElement(Svg + "line", Attributes(("x1", x1), ("y1", arrowY), ("x2", x2 - (8 * direction)), ("y2", arrowY), ("stroke", colour), ("stroke-width", 1.5), ("stroke-dasharray", dash))));
            link.Add(Head(x2, arrowY, direction, colour));
            labelLeft = Math.Min(x1, x2) + 6;
        }

        var label = Clean(arrow.Label);
        var right = Math.Max(x1, x2) - 6;
        if (layout == FlowDiagramLayout.Narrow)
        {
            // A phone has no room beside the lifelines: the label takes the row's width above the arrow, the time goes under it.
            var fitted = Fit(label, (metrics.Width - 8) / charWidth);
            link.Add(Text(fitted, 4, labelY, metrics.FontSize, colour, Mono, "start", arrow.Failed, "flow-arrow-label"));
            link.Add(Text(Timing(arrow), metrics.Width - 4, arrowY + 14, metrics.FontSize - 2, Muted, Sans, "end", bold: false, "flow-arrow-time"));
        }
        else
        {
            if (x1 != x2 && label.Length * charWidth <= right - labelLeft)
            {
                link.Add(Text(label, (x1 + x2) / 2.0, labelY, metrics.FontSize, colour, Mono, "middle", arrow.Failed, "flow-arrow-label"));
            }
            else
            {
                var fitted = Fit(label, (metrics.Width - 4 - labelLeft) / charWidth);
                link.Add(Text(fitted, labelLeft, labelY, metrics.FontSize, colour, Mono, "start", arrow.Failed, "flow-arrow-label"));
            }
            var time = Text(FormatOffset(arrow.Offset), 8, labelY, metrics.FontSize - 1, Muted, Sans, "start", bold: false, "flow-arrow-time");
            if (arrow.Duration is { } took)
            {
                time.Add(new XElement(Svg + "tspan", Attributes(("x", 8), ("y", F(arrowY + 6))), $"took {FormatDuration(took)}"));
            }
            link.Add(time);
        }
        return link;
    }

    private static (FlowLifeline From, FlowLifeline To, string Label, bool IsAnswer) Draw(FlowStep step)
    {
        var method = step.Request?.Method ?? "GET";
        switch (step.Kind)
        {
            case FlowStepKind.Authorize:
                return (FlowLifeline.Browser, FlowLifeline.Provider, $"{method} {PathOf(step.Request?.Url, withQuery: false)}", false);
            case FlowStepKind.Callback:
                var answer = ParameterOf(step, "error") is { } error ? $"error={Cut(error, 32)}" : ParameterOf(step, "code") is not null ? "code" : "no code";
                return (FlowLifeline.Browser, FlowLifeline.App, $"{method} {PathOf(step.Request?.Url, withQuery: false)} ({answer})", false);
            case FlowStepKind.TokenResponse:
                var status = step.Response is { } response ? $"{response.Status} {response.Reason}".Trim() : "no answer";
                var result = ErrorCodeOf(step.Response) is { } code ? $" ({code})" : step.Failed ? null : ", tokens";
                return (FlowLifeline.Provider, FlowLifeline.App, status + result, true);
            default:
                if (step.Request is null)
                {
                    return (FlowLifeline.App, FlowLifeline.App, step.Title, false);
                }
                var grant = step.Request.Form.FirstOrDefault(f => f.Name == "grant_type")?.Value;
                // RFC 9126: a pushed authorization request carries the authorize parameters in a back-channel form.
                var pushed = grant is null && step.Request.Form.Any(f => f.Name == "response_type");
                var purpose = grant is not null ? $" ({Cut(grant, 32)})" : pushed ? " (PAR push)" : null;
                var outcome = step.Response is { Status: { } answered } ? $" → {answered}" : step.Kind == FlowStepKind.TokenRequest ? null : " ✕ no answer";
                return (FlowLifeline.App, FlowLifeline.Provider, $"{method} {PathOf(step.Request.Url, withQuery: step.Kind == FlowStepKind.ApiCall)}{purpose}{outcome}", false);
        }
    }

    /// <summary>The path of a recorded URL, without scheme and host (and without its query unless asked).</summary>
    internal static string PathOf(string? url, bool withQuery)
    {
        if (string.IsNullOrEmpty(url))
        {
            return "(no URL)";
        }
        if (Uri.TryCreate(url, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps))
        {
            return withQuery ? uri.PathAndQuery : uri.AbsolutePath;
        }
        var question = url.IndexOf('?');
        return withQuery || question < 0 ? url : url[..question];
    }

    private static string? ParameterOf(FlowStep step, string name) => step.Parameters.FirstOrDefault(p => p.Name == name)?.Value;

    private static string? ErrorCodeOf(FlowHttpMessage? response)
    {
        if (response is not { BodyIsJson: true, Body: { } body })
        {
            return null;
        }
        try
        {
            using var json = JsonDocument.Parse(body);
            return json.RootElement.ValueKind == JsonValueKind.Object
                && json.RootElement.TryGetProperty("error", out var error) && error.ValueKind == JsonValueKind.String
                ? Cut(error.GetString()!, 32)
                : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static string LifelineName(FlowLifeline lifeline) => lifeline switch
    {
        FlowLifeline.Browser => "Browser",
        FlowLifeline.App => "This app",
        _ => "Agile Planner",
    };

    private static string Timing(FlowDiagramArrow arrow) =>
        arrow.Duration is { } took ? $"{FormatOffset(arrow.Offset)}, took {FormatDuration(took)}" : FormatOffset(arrow.Offset);

    internal static string FormatOffset(TimeSpan offset) => offset.TotalMilliseconds switch
    {
        < 10_000 => $"+{offset.TotalMilliseconds.ToString("0", CultureInfo.InvariantCulture)} ms",
        < 600_000 => $"+{offset.TotalSeconds.ToString("0.0", CultureInfo.InvariantCulture)} s",
        _ => $"+{offset.TotalMinutes.ToString("0", CultureInfo.InvariantCulture)} min",
    };

    private static string FormatDuration(TimeSpan took) => took.TotalMilliseconds < 10_000
        ? $"{took.TotalMilliseconds.ToString("0", CultureInfo.InvariantCulture)} ms"
        : $"{took.TotalSeconds.ToString("0.0", CultureInfo.InvariantCulture)} s";

    /// <summary>
    /// The label cut to <paramref name="characters"/>: first its query (the path says more), then in the middle,
    /// keeping the start of the path and the status at its end.
    /// </summary>
    public static string Fit(string label, double characters)
    {
        var room = Math.Max(8, (int)characters);
        if (label.Length <= room)
        {
            return label;
        }
        var query = label.IndexOf('?');
        var end = query < 0 ? -1 : label.IndexOf(' ', query);
        if (query >= 0)
        {
            label = string.Concat(label.AsSpan(0, query + 1), "…", end < 0 ? string.Empty : label.AsSpan(end));
            if (label.Length <= room)
            {
                return label;
            }
        }
        var tail = (room - 1) * 2 / 5;
        return string.Concat(label.AsSpan(0, room - 1 - tail), "…", label.AsSpan(label.Length - tail));
    }

    private static string Cut(string value, int max) => value.Length <= max ? value : value[..(max - 1)] + "…";

    // A hostile provider's characters would otherwise make the markup unwritable.
    private static string Clean(string text)
    {
        var clean = new StringBuilder(text.Length);
        for (var i = 0; i < text.Length; i++)
        {
            if (i + 1 < text.Length && XmlConvert.IsXmlSurrogatePair(text[i + 1], text[i]))
            {
                clean.Append(text, i, 2);
                i++;
            }
            else
            {
                clean.Append(XmlConvert.IsXmlChar(text[i]) && !char.IsControl(text[i]) ? text[i] : '\uFFFD');
            }
        }
        return clean.ToString();
    }

    private static XElement Head(double x, double y, int direction, string colour) =>
        new(Svg + "polygon", Attributes(("points", $"{F(x)},{F(y)} {F(x - (9 * direction))},{F(y - 4.5)} {F(x - (9 * direction))},{F(y + 4.5)}"), ("fill", colour)));

    private static XElement Text(string text, double x, double y, int size, string colour, string family, string anchor, bool bold, string? cssClass = null)
    {
        // A white halo keeps a label legible where it crosses a lifeline.
        var element = new XElement(
            Svg + "text",
            Attributes(
                ("class", cssClass),
                ("x", F(x)),
                ("y", F(y)),
                ("font-size", size),
                ("font-family", family),
                ("fill", colour),
                ("text-anchor", anchor),
                ("font-weight", bold ? "600" : null),
                ("stroke", "#ffffff"),
                ("stroke-width", 3),
                ("stroke-linejoin", "round"),
                ("paint-order", "stroke")));
        element.Add(Clean(text));
        return element;
    }

    private static IEnumerable<XAttribute> Attributes(params (string Name, object? Value)[] attributes) =>
        attributes.Where(a => a.Value is not null).Select(a => new XAttribute(a.Name, a.Value is double d ? F(d) : a.Value!));

    private static string F(double value) => value.ToString("0.##", CultureInfo.InvariantCulture);

    private sealed record Metrics(int Width, int Top, int Row, int ArrowOffset, int[] Lifelines, int HeaderWidth, int FontSize);
}
