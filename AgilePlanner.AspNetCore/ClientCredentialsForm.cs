using System.Buffers.Text;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace AgilePlanner.AspNetCore;

/// <summary>
/// How the client authenticates on every back-channel request (token, refresh, revocation, pushed authorization): one place,
/// for the method <see cref="AgilePlannerAuthenticationOptions.ClientAuthentication"/> names.
/// </summary>
internal static class ClientCredentialsForm
{
    public const string AssertionType = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";

    /// <summary>How long an assertion is valid: long enough for one request, too short to be worth stealing.</summary>
    public static readonly TimeSpan AssertionLifetime = TimeSpan.FromSeconds(60);

    /// <summary>
    /// The request to <paramref name="endpoint"/> with <paramref name="form"/> as its body and the client's credentials: in the body
    /// (<c>client_secret_post</c>), in an <c>Authorization: Basic</c> header (<c>client_secret_basic</c>), or as a signed assertion
    /// (<c>private_key_jwt</c>) whose audience is <paramref name="audience"/>.
    /// </summary>
    public static HttpRequestMessage Request(
        string endpoint, Dictionary<string, string> form, AgilePlannerAuthenticationOptions options, string audience, TimeProvider time)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, endpoint);
        switch (options.ClientAuthentication)
        {
            case AgilePlannerClientAuthentication.ClientSecretBasic:
                // RFC 6749 section 2.3.1: each part form-url-encoded first, so a ':' in the secret cannot move the split.
                var credentials = FormEncoded(options.ClientId) + ":" + FormEncoded(options.ClientSecret);
                request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes(credentials)));
                break;
            case AgilePlannerClientAuthentication.PrivateKeyJwt:
                form["client_id"] = options.ClientId;
                form["client_assertion_type"] = AssertionType;
                form["client_assertion"] = Assertion(options, audience, time);
                break;
            default:
                form["client_id"] = options.ClientId;
                form["client_secret"] = options.ClientSecret;
                break;
        }
        request.Content = new FormUrlEncodedContent(form);
        return request;
    }

    /// <summary>
    /// RFC 7523 section 3: <c>iss</c> and <c>sub</c> the client id, <c>aud</c> the issuer, a 60-second life and a fresh
    /// <c>jti</c> so the provider can refuse a replay. The explicit <c>typ</c> is draft-ietf-oauth-rfc7523bis's, which keeps
    /// the assertion from being taken for any other kind of JWT.
    /// </summary>
    private static string Assertion(AgilePlannerAuthenticationOptions options, string audience, TimeProvider time)
    {
        var key = options.ClientKey ?? throw new InvalidOperationException("ClientAuthentication is private_key_jwt, and no ClientKeyFile was read.");
        var now = time.GetUtcNow().ToUnixTimeSeconds();
        var header = new Dictionary<string, string> { ["alg"] = key.Algorithm, ["typ"] = "client-authentication+jwt" };
        if (key.KeyId is { } kid)
        {
            header["kid"] = kid;
        }
        var claims = new Dictionary<string, object>
        {
            ["iss"] = options.ClientId,
            ["sub"] = options.ClientId,
            ["aud"] = audience,
            ["jti"] = Guid.NewGuid().ToString("N"),
            ["iat"] = now,
            ["nbf"] = now,
            ["exp"] = now + (long)AssertionLifetime.TotalSeconds,
        };
        var signingInput = Encode(JsonSerializer.SerializeToUtf8Bytes(header)) + "." + Encode(JsonSerializer.SerializeToUtf8Bytes(claims));
        return signingInput + "." + Encode(key.Sign(Encoding.ASCII.GetBytes(signingInput)));
    }

    private static string Encode(byte[] bytes) => Base64Url.EncodeToString(bytes);

    private static string FormEncoded(string value) => Uri.EscapeDataString(value).Replace("%20", "+", StringComparison.Ordinal);
}
