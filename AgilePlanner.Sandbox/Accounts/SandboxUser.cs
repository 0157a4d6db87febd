using Microsoft.AspNetCore.Identity;

namespace AgilePlanner.Sandbox.Accounts;

/// <summary>An Agile Planner account: what <c>GET /me</c> answers with.</summary>
internal sealed class SandboxUser : IdentityUser
{
    public string Name { get; set; } = "";

    public string Company { get; set; } = "";

    public string TimeZone { get; set; } = "UTC";

    public DateTime CreatedAt { get; set; }
}
