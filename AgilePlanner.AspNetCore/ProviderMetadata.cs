namespace AgilePlanner.AspNetCore;

/// <summary>What this client uses of a provider's authorization server metadata (RFC 8414), already checked.</summary>
internal sealed record ProviderMetadata(
    string Issuer,
    string AuthorizationEndpoint,
    string TokenEndpoint,
    string? RevocationEndpoint,
    string? PushedAuthorizationEndpoint,
    bool RequirePushedAuthorization,
    bool IssParameterSupported);
