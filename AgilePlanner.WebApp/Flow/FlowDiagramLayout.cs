namespace AgilePlanner.WebApp.Flow;

/// <summary>How wide the sequence diagram is drawn: a laptop's page, or a phone's, where text must stay legible.</summary>
public enum FlowDiagramLayout
{
    Wide,
    Narrow,
}
