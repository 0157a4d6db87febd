using System.Security.Cryptography;
using System.Text.Json;
using AgilePlanner.Sandbox.Authorization;
using Microsoft.IdentityModel.Tokens;
using OpenIddict.Abstractions;

namespace AgilePlanner.Sandbox.Developers;

/// <summary>
/// Applications registered in the developer portal: OpenIddict applications marked with the account that
/// registered them. OpenIddict keeps only a hash of each client secret, so a secret can be shown just once.
/// </summary>
internal sealed class DeveloperApps(
    IOpenIddictApplicationManager applications,
    IOpenIddictAuthorizationManager authorizations,
    IOpenIddictTokenManager tokens)
{
    private const string OwnerProperty = "sandbox_owner";
    private const string DescriptionProperty = "sandbox_description";

    public async Task<IReadOnlyList<DeveloperApp>> ListAsync(string ownerId, CancellationToken cancellationToken)
    {
        var owned = new List<DeveloperApp>();
        await foreach (var application in applications.ListAsync(count: null, offset: null, cancellationToken))
        {
            if (await ToDeveloperAppAsync(application, ownerId, cancellationToken) is { } app)
            {
                owned.Add(app);
            }
        }
        return owned.OrderBy(a => a.Name, StringComparer.OrdinalIgnoreCase).ToList();
    }

    /// <summary>
    /// Whether <paramref name="name"/> reads like a name in use (any application, the seeded ones included) or a reserved
    /// one: compared without case, spaces or invisible characters, after Unicode compatibility folding (full-width letters).
    /// </summary>
    public async Task<bool> IsNameTakenAsync(string name, CancellationToken cancellationToken)
    {
        var wanted = Comparable(name);
        if (ReservedNames.Any(reserved => Comparable(reserved) == wanted))
        {
            return true;
        }
        await foreach (var application in applications.ListAsync(count: null, offset: null, cancellationToken))
        {
            if (Comparable(await applications.GetDisplayNameAsync(application, cancellationToken) ?? "") == wanted)
            {
                return true;
            }
        }
        return false;
    }

    private static readonly string[] ReservedNames = ["Agile Planner", "Agile Planner Connect", "Agile Planner sandbox"];

    private static string Comparable(string name) =>
        string.Concat(name.Normalize(System.Text.NormalizationForm.FormKC)
            .Where(c => !char.IsWhiteSpace(c) && char.GetUnicodeCategory(c) != System.Globalization.UnicodeCategory.Format))
            .ToUpperInvariant();

    public async Task<DeveloperApp?> FindAsync(string ownerId, string clientId, CancellationToken cancellationToken) =>
        await applications.FindByClientIdAsync(clientId, cancellationToken) is { } application
            ? await ToDeveloperAppAsync(application, ownerId, cancellationToken)
            : null;

    /// <summary>
    /// Registers an application; returns its client id and the only copy of its secret (null when it authenticates
    /// with <paramref name="publicKeys"/> alone).
    /// </summary>
    public async Task<(string ClientId, string? ClientSecret)> RegisterAsync(
        string ownerId, string name, string description, IReadOnlyList<string> callbackUrls, IReadOnlyList<string> scopes,
        JsonWebKeySet? publicKeys, bool issueSecret, CancellationToken cancellationToken)
    {
        var clientId = "ap_" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(10));
        var secret = issueSecret ? NewSecret() : null;
        var descriptor = ClientRegistrations.Describe(clientId, secret, name, callbackUrls, scopes, publicKeys);
        descriptor.Properties[OwnerProperty] = JsonSerializer.SerializeToElement(ownerId);
        descriptor.Properties[DescriptionProperty] = JsonSerializer.SerializeToElement(description);
        await applications.CreateAsync(descriptor, cancellationToken);
        return (clientId, secret);
    }

    public async Task<bool> UpdateCallbackUrlsAsync(string ownerId, string clientId, IReadOnlyList<string> callbackUrls, CancellationToken cancellationToken)
    {
        if (await FindOwnedAsync(ownerId, clientId, cancellationToken) is not { } application)
        {
            return false;
        }
        var descriptor = new OpenIddictApplicationDescriptor();
        await applications.PopulateAsync(descriptor, application, cancellationToken);
        descriptor.RedirectUris.Clear();
        foreach (var url in callbackUrls)
        {
            descriptor.RedirectUris.Add(new Uri(url, UriKind.Absolute));
        }
        await applications.UpdateAsync(application, descriptor, cancellationToken);
        return true;
    }

    /// <summary>
    /// Replaces the public keys its client assertions are checked with; null removes them, unless the application has no
    /// secret either (then nothing changes and the answer is false).
    /// </summary>
    public async Task<bool?> UpdatePublicKeysAsync(string ownerId, string clientId, JsonWebKeySet? publicKeys, CancellationToken cancellationToken)
    {
        if (await FindOwnedAsync(ownerId, clientId, cancellationToken) is not { } application)
        {
            return null;
        }
        var descriptor = new OpenIddictApplicationDescriptor();
        await applications.PopulateAsync(descriptor, application, cancellationToken);
        if (publicKeys is null && string.IsNullOrEmpty(descriptor.ClientSecret))
        {
            return false;
        }
        descriptor.JsonWebKeySet = publicKeys;
        await applications.UpdateAsync(application, descriptor, cancellationToken);
        return true;
    }

    /// <summary>A new secret; the old one stops working at once.</summary>
    public async Task<string?> RotateSecretAsync(string ownerId, string clientId, CancellationToken cancellationToken)
    {
        if (await FindOwnedAsync(ownerId, clientId, cancellationToken) is not { } application)
        {
            return null;
        }
        var secret = NewSecret();
        await applications.UpdateAsync(application, secret, cancellationToken);
        return secret;
    }

    /// <summary>Deletes the application; every token and authorization it held ends with it.</summary>
    public async Task<bool> DeleteAsync(string ownerId, string clientId, CancellationToken cancellationToken)
    {
        if (await FindOwnedAsync(ownerId, clientId, cancellationToken) is not { } application)
        {
            return false;
        }
        var id = (await applications.GetIdAsync(application, cancellationToken))!;
        await tokens.RevokeByApplicationIdAsync(id, cancellationToken);
        await authorizations.RevokeByApplicationIdAsync(id, cancellationToken);
        await applications.DeleteAsync(application, cancellationToken);
        return true;
    }

    private async Task<object?> FindOwnedAsync(string ownerId, string clientId, CancellationToken cancellationToken) =>
        await applications.FindByClientIdAsync(clientId, cancellationToken) is { } application
            && await OwnerOfAsync(application, cancellationToken) == ownerId
            ? application
            : null;

    /// <summary>The account that registered <paramref name="application"/> in the portal; null for an application seeded from configuration.</summary>
    public async Task<string?> OwnerOfAsync(object application, CancellationToken cancellationToken)
    {
        var properties = await applications.GetPropertiesAsync(application, cancellationToken);
        return properties.TryGetValue(OwnerProperty, out var owner) && owner.ValueKind == JsonValueKind.String ? owner.GetString() : null;
    }

    private async Task<DeveloperApp?> ToDeveloperAppAsync(object application, string ownerId, CancellationToken cancellationToken)
    {
        if (await OwnerOfAsync(application, cancellationToken) != ownerId)
        {
            return null;
        }
        var properties = await applications.GetPropertiesAsync(application, cancellationToken);
        var description = properties.TryGetValue(DescriptionProperty, out var text) && text.ValueKind == JsonValueKind.String ? text.GetString() : null;
        var keys = await applications.GetJsonWebKeySetAsync(application, cancellationToken);
        return new DeveloperApp(
            (await applications.GetClientIdAsync(application, cancellationToken))!,
            await applications.GetDisplayNameAsync(application, cancellationToken) ?? "",
            description ?? "",
            [.. await applications.GetRedirectUrisAsync(application, cancellationToken)],
            ClientRegistrations.ScopesOf(await applications.GetPermissionsAsync(application, cancellationToken)),
            [.. keys?.Keys.Select(key => new RegisteredPublicKey(key.Kid, key.Kty, key.Crv)) ?? []]);
    }

    private static string NewSecret() => Base64UrlEncoder.Encode(RandomNumberGenerator.GetBytes(32));
}
