namespace AgilePlanner.Sandbox.Planning;

/// <summary>A unit of work in a project, planned into one of its iterations.</summary>
internal sealed class Story
{
    public int Id { get; set; }

    public int ProjectId { get; set; }

    public int IterationNumber { get; set; }

    public string Title { get; set; } = "";

    public StoryType Type { get; set; }

    public StoryState State { get; set; }

    public int? Points { get; set; }

    public string? OwnerName { get; set; }

    public List<string> Labels { get; set; } = [];

    public DateTime UpdatedAt { get; set; }
}
