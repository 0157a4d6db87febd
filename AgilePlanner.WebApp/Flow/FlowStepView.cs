namespace AgilePlanner.WebApp.Flow;

/// <summary>One step as the flow page shows it: the step, its number (its <c>#step-N</c> id) and the page it is on.</summary>
public sealed record FlowStepView(FlowPage Page, FlowStep Step, int Number);
