namespace AgilePlanner.Sandbox.Developers;

/// <summary>A public key an application's client assertions are checked with, as the portal lists it: id, type, curve.</summary>
internal sealed record RegisteredPublicKey(string KeyId, string KeyType, string? Curve);
