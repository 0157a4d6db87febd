namespace AgilePlanner.Sandbox.Hosting;

/// <summary>What the sandbox's 503 page says.</summary>
internal sealed record UnavailableModel(string Message);
