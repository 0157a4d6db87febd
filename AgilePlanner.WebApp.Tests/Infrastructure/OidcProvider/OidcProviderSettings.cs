namespace AgilePlanner.WebApp.Tests.Infrastructure.OidcProvider;

/// <summary>How <see cref="OidcProviderServer"/> configures the independent provider.</summary>
public sealed record OidcProviderSettings
{
    /// <summary>The redirect URIs of both clients; a loopback one matches on any port (RFC 8252), as at the sandbox.</summary>
    public IReadOnlyList<string> RedirectUris { get; init; } = ["http://localhost/callback"];

    /// <summary><c>require_pushed_authorization_requests</c> (RFC 9126 section 5): authorize only by <c>request_uri</c>.</summary>
    public bool RequirePushedAuthorization { get; init; }

    /// <summary>How the secret client authenticates: <c>client_secret_post</c> or <c>client_secret_basic</c> (one, as oidc-provider registers it).</summary>
    public string ClientAuthenticationMethod { get; init; } = "client_secret_post";

    public TimeSpan AccessTokenLifetime { get; init; } = TimeSpan.FromHours(1);
}
