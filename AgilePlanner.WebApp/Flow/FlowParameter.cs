namespace AgilePlanner.WebApp.Flow;

public sealed class FlowParameter
{
    public string Name { get; set; } = string.Empty;

    public string Value { get; set; } = string.Empty;

    public string Explanation { get; set; } = string.Empty;
}
