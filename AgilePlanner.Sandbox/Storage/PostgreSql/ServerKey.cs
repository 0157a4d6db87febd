namespace AgilePlanner.Sandbox.Storage.PostgreSql;

/// <summary>One of the authorization server's RSA keys (signing or encryption), as a PEM protected with Data Protection.</summary>
internal sealed class ServerKey
{
    public string Name { get; set; } = "";

    public string ProtectedPem { get; set; } = "";

    public DateTime CreatedAt { get; set; }
}
