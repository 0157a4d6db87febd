namespace AgilePlanner.Sandbox.Developers;

/// <summary>One application as its developer sees it in the portal.</summary>
internal sealed record DeveloperApp(
    string ClientId, string Name, string Description, IReadOnlyList<string> CallbackUrls, IReadOnlyList<string> Scopes,
    IReadOnlyList<RegisteredPublicKey> PublicKeys);
