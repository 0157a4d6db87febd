namespace AgilePlanner.WebApp.Flow;

/// <summary>What a record is made with: when it started and expires, and the PKCE challenge of its authorize step.</summary>
public sealed record FlowRecordStart(DateTimeOffset StartedAt, DateTimeOffset ExpiresAt, string? CodeChallenge);
