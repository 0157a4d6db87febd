namespace AgilePlanner.AspNetCore;

/// <summary>
/// The endpoints a request uses, each a URL or a path of a co-hosted provider (see <see cref="AgilePlannerEndpoints"/>): the
/// explicitly configured ones, completed from the provider's metadata.
/// </summary>
internal sealed record ResolvedProvider(
    string? AuthorizationEndpoint,
    string? TokenEndpoint,
    string? RevocationEndpoint,
    string? PushedAuthorizationEndpoint,
    bool PushRequired,
    bool IssuerRequired);
