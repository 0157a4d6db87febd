namespace AgilePlanner.Sandbox.Api;

internal sealed record MeResponse(string Id, string Name, string Email, string Company, string TimeZone, DateTime CreatedAt);
