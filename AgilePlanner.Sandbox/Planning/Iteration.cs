namespace AgilePlanner.Sandbox.Planning;

/// <summary>A time box of a project, numbered from 1.</summary>
internal sealed class Iteration
{
    public int Id { get; set; }

    public int ProjectId { get; set; }

    public int Number { get; set; }

    public string Name { get; set; } = "";

    public DateTime Start { get; set; }

    public DateTime Finish { get; set; }

    public IterationState State { get; set; }
}
