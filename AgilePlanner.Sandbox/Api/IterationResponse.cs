namespace AgilePlanner.Sandbox.Api;

internal sealed record IterationResponse(int Id, int Number, string Name, DateTime Start, DateTime Finish, string State, int Points);
