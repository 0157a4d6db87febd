namespace AgilePlanner.Sandbox.Authorization;

/// <summary>The consent page: the application, who registered it (null for the sandbox's own), and the handle of the stored request.</summary>
internal sealed record ConsentModel(
    string ApplicationName,
    string? RegisteredBy,
    string UserName,
    string UserEmail,
    string RedirectUri,
    IReadOnlyList<string> Scopes,
    string ConsentHandle);
