using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.OAuth;

namespace AgilePlanner.AspNetCore;

/// <summary>
/// Options of the Agile Planner provider. Endpoints are absolute URLs of the provider, or paths (starting with <c>/</c>) of a
/// provider hosted in this same app: those are put on the browser's address for the authorize redirect and the issuer, and on
/// this server's own listening address for back-channel calls, never on an address a request names.
/// </summary>
public sealed class AgilePlannerAuthenticationOptions : OAuthOptions
{
    /// <summary>PKCE (S256) on, tokens saved in the session, the user named from <c>GET /me</c>.</summary>
    public AgilePlannerAuthenticationOptions()
    {
        ClaimsIssuer = AgilePlannerAuthenticationDefaults.DisplayName;
        CallbackPath = AgilePlannerAuthenticationDefaults.CallbackPath;
        UsePkce = true;
        SaveTokens = true;
        BackchannelTimeout = AgilePlannerAuthenticationDefaults.BackchannelTimeout;
        ClaimActions.MapJsonKey(ClaimTypes.NameIdentifier, "id");
        ClaimActions.MapJsonKey(ClaimTypes.Name, "name");
        ClaimActions.MapJsonKey(ClaimTypes.Email, "email");
    }

    /// <summary>RFC 7009 revocation endpoint; sign-out revokes only when it is known.</summary>
    public string? RevocationEndpoint { get; set; }

    /// <summary>
    /// The provider's issuer identifier. With the authorization or token endpoint left empty, the provider is discovered from it
    /// (RFC 8414 metadata, then OpenID Connect Discovery), and the document must name exactly this issuer. The <c>iss</c> of
    /// authorization responses (RFC 9207) must equal it: always when the endpoints are set explicitly, and when the metadata says
    /// <c>authorization_response_iss_parameter_supported</c> otherwise; a callback with another issuer is refused before any token request.
    /// </summary>
    public string? Issuer { get; set; }

    /// <summary>Whether authorization requests are pushed to the provider first (RFC 9126); <see cref="AgilePlannerPushedAuthorization.IfAvailable"/> by default.</summary>
    public AgilePlannerPushedAuthorization PushedAuthorization { get; set; } = AgilePlannerPushedAuthorization.IfAvailable;

    /// <summary>The pushed authorization request endpoint, when the provider's metadata does not name it (or to use another).</summary>
    public string? PushedAuthorizationEndpoint { get; set; }

    /// <summary>How long the provider's metadata is used before it is read again (a failed read is retried after a few seconds).</summary>
    public TimeSpan MetadataRefreshInterval { get; set; } = TimeSpan.FromHours(1);

    /// <summary>How the client authenticates on the back channel; <see cref="AgilePlannerClientAuthentication.ClientSecretPost"/> by default.</summary>
    public AgilePlannerClientAuthentication ClientAuthentication { get; set; } = AgilePlannerClientAuthentication.ClientSecretPost;

    /// <summary>
    /// For <see cref="AgilePlannerClientAuthentication.PrivateKeyJwt"/>: the path of the client's private key (PEM or JWK), read
    /// once when the options are built into <see cref="ClientKey"/>. Its content is never logged or shown.
    /// </summary>
    public string? ClientKeyFile { get; set; }

    /// <summary>The client's private key for <see cref="AgilePlannerClientAuthentication.PrivateKeyJwt"/>; read from <see cref="ClientKeyFile"/> when not set.</summary>
    public AgilePlannerClientKey? ClientKey { get; set; }

    /// <summary>Why <see cref="ClientKeyFile"/> could not be used, found when the options were built.</summary>
    internal string? ClientKeyProblem { get; set; }

    /// <inheritdoc />
    public override void Validate()
    {
        if (ClientAuthentication == AgilePlannerClientAuthentication.PrivateKeyJwt)
        {
            if (ClientKey is null)
            {
                throw new InvalidOperationException(ClientKeyProblem is { } problem
                    ? $"The ClientKeyFile cannot be used: {problem}."
                    : "ClientAuthentication is private_key_jwt: set ClientKeyFile to the client's private key (PEM or JWK).");
            }
            // No secret is sent with a key: the base class's check for one is satisfied for its own sake only.
            if (string.IsNullOrEmpty(ClientSecret))
            {
                ClientSecret = " ";
                try
                {
                    ValidateEndpoints();
                }
                finally
                {
                    ClientSecret = string.Empty;
                }
                return;
            }
        }
        ValidateEndpoints();
    }

    private void ValidateEndpoints()
    {
        // With the issuer alone, the endpoints come from its metadata at the first sign-in.
        if (!string.IsNullOrWhiteSpace(Issuer) && (string.IsNullOrWhiteSpace(AuthorizationEndpoint) || string.IsNullOrWhiteSpace(TokenEndpoint)))
        {
            var authorization = AuthorizationEndpoint;
            var token = TokenEndpoint;
            AuthorizationEndpoint = string.IsNullOrWhiteSpace(authorization) ? Issuer : authorization;
            TokenEndpoint = string.IsNullOrWhiteSpace(token) ? Issuer : token;
            try
            {
                base.Validate();
            }
            finally
            {
                AuthorizationEndpoint = authorization;
                TokenEndpoint = token;
            }
            return;
        }
        base.Validate();
    }

    /// <summary>
    /// Base of the resource API, such as <c>https://api.agileplanner.example/v1/</c>: the user information endpoint is its <c>me</c>,
    /// and AgilePlanner.Api's client uses it when its own base address is not set.
    /// </summary>
    public string? ApiBaseUrl { get; set; }
}
