namespace AgilePlanner.WebApp.Flow;

public sealed record FlowLinks(bool Flow, bool Console);
