namespace AgilePlanner.WebApp.Flow;

/// <summary>
/// One arrow of the sequence diagram. <see cref="Recorded"/> arrows are steps of the record, one each; the sign-in
/// and consent at the provider, which the app never sees, is drawn from what the callback brought back and links there.
/// </summary>
/// <param name="StepNumber">The step below the diagram this arrow links to (<c>#step-N</c>).</param>
/// <param name="Kind">The kind of that step.</param>
/// <param name="From">Where the arrow starts.</param>
/// <param name="To">Where it ends; the same lifeline for something that happened inside one party.</param>
/// <param name="Label">Method, path and status, as short as the diagram needs.</param>
/// <param name="Description">The whole step in words, for screen readers and tooltips.</param>
/// <param name="Offset">Time since the first step.</param>
/// <param name="Duration">How long the step took on the wire, when the app saw both ends.</param>
/// <param name="Failed">Drawn in red.</param>
/// <param name="IsAnswer">An answer to the arrow before it (dashed).</param>
/// <param name="Recorded">False for the sign-in and consent, which is not a step of its own.</param>
public sealed record FlowDiagramArrow(
    int StepNumber,
    FlowStepKind Kind,
    FlowLifeline From,
    FlowLifeline To,
    string Label,
    string Description,
    TimeSpan Offset,
    TimeSpan? Duration,
    bool Failed,
    bool IsAnswer,
    bool Recorded);
