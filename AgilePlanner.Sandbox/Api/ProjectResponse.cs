namespace AgilePlanner.Sandbox.Api;

internal sealed record ProjectResponse(
    int Id, string Name, string Description, int Velocity, int? CurrentIteration, int MemberCount, DateTime UpdatedAt);
