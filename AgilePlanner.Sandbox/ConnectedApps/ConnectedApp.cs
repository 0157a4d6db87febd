namespace AgilePlanner.Sandbox.ConnectedApps;

/// <summary>One application this account has authorized.</summary>
internal sealed record ConnectedApp(string ApplicationId, string Name, IReadOnlyList<string> Scopes, DateTimeOffset? FirstAllowed, DateTimeOffset? LastAllowed);
