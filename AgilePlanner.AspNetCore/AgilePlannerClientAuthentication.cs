namespace AgilePlanner.AspNetCore;

/// <summary>
/// How the client proves who it is on the back channel (token, refresh, revocation, pushed authorization), by the names of
/// RFC 7591's <c>token_endpoint_auth_method</c>.
/// </summary>
public enum AgilePlannerClientAuthentication
{
    /// <summary><c>client_secret_post</c>: <c>client_id</c> and <c>client_secret</c> in the form body (RFC 6749 section 2.3.1).</summary>
    ClientSecretPost,

    /// <summary><c>client_secret_basic</c>: HTTP Basic of the form-url-encoded id and secret (RFC 6749 section 2.3.1); no secret in the body.</summary>
    ClientSecretBasic,

    /// <summary>
    /// <c>private_key_jwt</c>: a short-lived JWT signed with the client's private key (RFC 7523 section 2.2, OpenID Connect Core
    /// section 9), from <see cref="AgilePlannerAuthenticationOptions.ClientKeyFile"/>; no secret is sent at all.
    /// </summary>
    PrivateKeyJwt,
}
