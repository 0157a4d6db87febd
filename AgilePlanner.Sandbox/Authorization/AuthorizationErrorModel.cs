namespace AgilePlanner.Sandbox.Authorization;

internal sealed record AuthorizationErrorModel(string Error, string? Description);
