using AgilePlanner.AspNetCore;

namespace AgilePlanner.WebApp.Configuration;

/// <summary>
/// The <c>AgilePlanner</c> section: how this app is registered with Agile Planner and where Agile Planner is.
/// Endpoints left empty point at the built-in sandbox on the app's own address while <c>Sandbox:Enabled</c> is true.
/// </summary>
public sealed class AgilePlannerSettings
{
    public const string SectionName = "AgilePlanner";

    public string? ClientId { get; set; }

    public string? ClientSecret { get; set; }

    public string? AuthorizationEndpoint { get; set; }

    public string? TokenEndpoint { get; set; }

    public string? RevocationEndpoint { get; set; }

    /// <summary>
    /// The provider's issuer. With the endpoints left empty the app reads them from its metadata (RFC 8414); the <c>iss</c> of
    /// authorization responses must equal it (RFC 9207).
    /// </summary>
    public string? Issuer { get; set; }

    /// <summary><c>IfAvailable</c> (pushed when the provider offers it, RFC 9126), <c>Require</c> or <c>Disable</c>.</summary>
    public string PushedAuthorization { get; set; } = nameof(AgilePlannerPushedAuthorization.IfAvailable);

    public string? ApiBaseUrl { get; set; }

    /// <summary>
    /// How the app proves who it is to the provider: <c>client_secret_post</c> (the default), <c>client_secret_basic</c>, or
    /// <c>private_key_jwt</c> with <see cref="ClientKeyFile"/> (no secret is sent then).
    /// </summary>
    public string ClientAuthentication { get; set; } = "client_secret_post";

    /// <summary>For <c>private_key_jwt</c>: the path of the app's private key, a PEM or JWK file. Never logged or shown.</summary>
    public string? ClientKeyFile { get; set; }

    /// <summary><see cref="ClientAuthentication"/> as the package's value, by its wire name; null when it names none.</summary>
    public AgilePlannerClientAuthentication? ClientAuthenticationMode => ClientAuthentication?.Trim().ToLowerInvariant() switch
    {
        "client_secret_post" => AgilePlannerClientAuthentication.ClientSecretPost,
        "client_secret_basic" => AgilePlannerClientAuthentication.ClientSecretBasic,
        "private_key_jwt" => AgilePlannerClientAuthentication.PrivateKeyJwt,
        _ => null,
    };

    public string CallbackPath { get; set; } = "/callback";

    /// <summary>Space-separated scopes asked for on Connect.</summary>
    public string Scopes { get; set; } = "read";

    public bool UsePkce { get; set; } = true;

    /// <summary>
    /// How long the account, a project and its iterations, once read, are shown without asking the API again (at most;
    /// the API's own <c>Cache-Control</c> can make it shorter). Zero asks every time.
    /// </summary>
    public TimeSpan ApiCacheDuration { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary><see cref="PushedAuthorization"/> as the package's value; null when it names none.</summary>
    public AgilePlannerPushedAuthorization? PushedAuthorizationMode =>
        Enum.GetNames<AgilePlannerPushedAuthorization>().FirstOrDefault(n => string.Equals(n, PushedAuthorization?.Trim(), StringComparison.OrdinalIgnoreCase)) is { } name
            ? Enum.Parse<AgilePlannerPushedAuthorization>(name)
            : null;

    public IReadOnlyList<string> ScopeList =>
        Scopes.Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
}
