using AgilePlanner.Sandbox.Accounts;

namespace AgilePlanner.Sandbox.Planning;

/// <summary>A project owned by one account.</summary>
internal sealed class Project
{
    public int Id { get; set; }

    public string OwnerId { get; set; } = "";

    public SandboxUser? Owner { get; set; }

    public string Name { get; set; } = "";

    public string Description { get; set; } = "";

    public int MemberCount { get; set; }

    public DateTime UpdatedAt { get; set; }

    public List<Iteration> Iterations { get; set; } = [];

    public List<Story> Stories { get; set; } = [];
}
