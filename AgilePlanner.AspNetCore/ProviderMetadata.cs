namespace AgilePlanner.AspNetCore;

/// <summary>What this client uses of a provider's authorization server metadata (RFC 8414), already checked.</summary>
internal sealed record ProviderMetadata(
    string Issuer,
    string AuthorizationEndpoint,
    string TokenEndpoint,
    string? RevocationEndpoint,
    string? PushedAuthorizationEndpoint,
    bool RequirePushedAuthorization,
    bool IssParameterSupported)
{
    /// <summary><c>token_endpoint_auth_methods_supported</c>: empty when the document does not say.</summary>
    public IReadOnlyList<string> TokenEndpointAuthMethods { get; init; } = [];
}
