namespace AgilePlanner.WebApp.Flow;

/// <summary>The three parties of the flow, left to right as the sequence diagram draws them.</summary>
public enum FlowLifeline
{
    Browser,
    App,
    Provider,
}
