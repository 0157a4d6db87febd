namespace AgilePlanner.Sandbox;

/// <summary>One application registered from configuration.</summary>
public sealed class SandboxClientRegistration
{
    /// <summary>The application's client id.</summary>
    public string ClientId { get; set; } = "";

    /// <summary>The application's client secret (a confidential client).</summary>
    public string ClientSecret { get; set; } = "";

    /// <summary>The name users see on the consent page; the client id when empty.</summary>
    public string DisplayName { get; set; } = "";

    /// <summary>The callback URLs the application may use; a plain-HTTP loopback one matches on any port (RFC 8252).</summary>
    public List<string> RedirectUris { get; set; } = [];
}
