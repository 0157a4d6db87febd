using Microsoft.IdentityModel.Tokens;
using OpenIddict.Abstractions;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace AgilePlanner.Sandbox.Authorization;

/// <summary>
/// What a registered application may do: a confidential client using the authorization code grant, pushing its
/// requests or not, authenticated by its secret, by assertions signed with one of its public keys (RFC 7523), or both.
/// </summary>
internal static class ClientRegistrations
{
    public static OpenIddictApplicationDescriptor Describe(
        string clientId, string? clientSecret, string displayName, IEnumerable<string> redirectUris, IEnumerable<string> scopes,
        JsonWebKeySet? publicKeys = null)
    {
        var descriptor = new OpenIddictApplicationDescriptor
        {
            ClientId = clientId,
            ClientSecret = clientSecret,
            ClientType = ClientTypes.Confidential,
            ApplicationType = ApplicationTypes.Web,
            ConsentType = ConsentTypes.Explicit,
            DisplayName = displayName,
            JsonWebKeySet = publicKeys,
        };
        foreach (var uri in redirectUris)
        {
            descriptor.RedirectUris.Add(new Uri(uri, UriKind.Absolute));
        }

        descriptor.Permissions.UnionWith(
        [
            Permissions.Endpoints.Authorization,
            Permissions.Endpoints.PushedAuthorization,
            Permissions.Endpoints.Token,
            Permissions.Endpoints.Revocation,
            Permissions.GrantTypes.AuthorizationCode,
            Permissions.GrantTypes.RefreshToken,
            Permissions.ResponseTypes.Code,
        ]);
        foreach (var scope in scopes)
        {
            descriptor.Permissions.Add(Permissions.Prefixes.Scope + scope);
        }
        return descriptor;
    }

    /// <summary>The scopes an application was registered for, read back from its permissions.</summary>
    public static IReadOnlyList<string> ScopesOf(IEnumerable<string> permissions) =>
        permissions.Where(p => p.StartsWith(Permissions.Prefixes.Scope, StringComparison.Ordinal))
            .Select(p => p[Permissions.Prefixes.Scope.Length..])
            .ToList();
}
