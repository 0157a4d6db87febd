namespace AgilePlanner.WebApp.Tests.Infrastructure;

/// <summary>A client registration as the sandbox knows it.</summary>
public sealed record SandboxClient(string ClientId, string ClientSecret, string RedirectUri)
{
    /// <summary>The web app's own registration, seeded from appsettings.json.</summary>
    public static SandboxClient WebApp { get; } =
        new("agile-planner-connect", "sandbox-secret-not-for-production", "http://localhost/callback");

    /// <summary>Registers a second client through <c>Sandbox:Clients:1</c> before the host starts.</summary>
    public static SandboxClient RegisterOther(AgilePlannerAppFactory app, string clientId = "other-app", string redirectUri = "https://other.test/callback")
    {
        var client = new SandboxClient(clientId, clientId + "-secret", redirectUri);
        app.With("Sandbox:Clients:1:ClientId", client.ClientId)
            .With("Sandbox:Clients:1:ClientSecret", client.ClientSecret)
            .With("Sandbox:Clients:1:DisplayName", "Other App")
            .With("Sandbox:Clients:1:RedirectUris:0", client.RedirectUri);
        return client;
    }
}
