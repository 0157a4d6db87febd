namespace AgilePlanner.Sandbox.Developers;

/// <summary>What the page shows once, right after registration or rotation: the secret and the lines to configure.</summary>
internal sealed record SecretShownOnce(DeveloperApp App, string ClientSecret, bool Rotated);
