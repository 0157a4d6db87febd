namespace AgilePlanner.AspNetCore;

/// <summary>The wire names of <see cref="AgilePlannerClientAuthentication"/> (RFC 7591 <c>token_endpoint_auth_method</c>).</summary>
internal static class ClientAuthenticationMethods
{
    public const string ClientSecretPost = "client_secret_post";
    public const string ClientSecretBasic = "client_secret_basic";
    public const string PrivateKeyJwt = "private_key_jwt";

    public static string WireName(AgilePlannerClientAuthentication method) => method switch
    {
        AgilePlannerClientAuthentication.ClientSecretBasic => ClientSecretBasic,
        AgilePlannerClientAuthentication.PrivateKeyJwt => PrivateKeyJwt,
        _ => ClientSecretPost,
    };
}
