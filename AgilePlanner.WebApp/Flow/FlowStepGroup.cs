using System.Globalization;

namespace AgilePlanner.WebApp.Flow;

/// <summary>
/// Steps shown together on the flow page: one step on its own, or repeated API calls to one path, folded into a
/// collapsible group so a long session does not bury the connection under its API calls.
/// </summary>
/// <param name="Path">The method and path the calls share; null for a step on its own.</param>
/// <param name="Numbers">The steps' numbers (1-based, as their <c>#step-N</c> ids), in order.</param>
public sealed record FlowStepGroup(string? Path, IReadOnlyList<int> Numbers)
{
    public bool IsFolded => Path is not null && Numbers.Count > 1;

    /// <summary>
    /// Runs of consecutive API calls are grouped by method and path (query left out), in the order each path was
    /// first called; every other step stays where it was, so the connection, refreshes and revocations keep their order.
    /// </summary>
    public static IReadOnlyList<FlowStepGroup> Fold(IReadOnlyList<FlowStep> steps)
    {
        var groups = new List<FlowStepGroup>();
        var run = new List<(string Path, List<int> Numbers)>();
        for (var i = 0; i < steps.Count; i++)
        {
            if (steps[i] is { Kind: FlowStepKind.ApiCall, Request: { } request })
            {
                var path = $"{request.Method} {FlowDiagram.PathOf(request.Url, withQuery: false)}";
                var same = run.FindIndex(g => g.Path == path);
                if (same < 0)
                {
                    run.Add((path, [i + 1]));
                }
                else
                {
                    run[same].Numbers.Add(i + 1);
                }
                continue;
            }
            groups.AddRange(run.Select(g => new FlowStepGroup(g.Path, g.Numbers)));
            run.Clear();
            groups.Add(new FlowStepGroup(null, [i + 1]));
        }
        groups.AddRange(run.Select(g => new FlowStepGroup(g.Path, g.Numbers)));
        return groups;
    }

    /// <summary>"200 ×3, 401 ×1": the answers the group's calls got, most frequent first.</summary>
    public string Statuses(IReadOnlyList<FlowStep> steps) => string.Join(", ", Numbers
        .Select(n => steps[n - 1].Response?.Status?.ToString(CultureInfo.InvariantCulture) ?? "no answer")
        .GroupBy(status => status)
        .OrderByDescending(g => g.Count())
        .Select(g => $"{g.Key} ×{g.Count()}"));

    public bool AnyFailed(IReadOnlyList<FlowStep> steps) => Numbers.Any(n => steps[n - 1].Failed);
}
