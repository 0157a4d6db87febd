using System.Security.Claims;
using System.Security.Cryptography;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace AgilePlanner.WebApp.Tests.Infrastructure;

/// <summary>
/// A client's key pair and the RFC 7523 client assertions it signs: <c>iss</c> and <c>sub</c> the client id, the
/// audience asked for, a short life and a fresh <c>jti</c> each time.
/// </summary>
public sealed class ClientAssertion : IDisposable
{
    public const string Type = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";

    private readonly RSA _rsa;

    public ClientAssertion(int keySize = 2048)
    {
        _rsa = RSA.Create(keySize);
        Key = new RsaSecurityKey(_rsa) { KeyId = Base64UrlEncoder.Encode(RandomNumberGenerator.GetBytes(8)) };
    }

    public RsaSecurityKey Key { get; }

    /// <summary>The public key as <c>openssl pkey -pubout</c> writes it.</summary>
    public string PublicKeyPem => _rsa.ExportSubjectPublicKeyInfoPem();

    /// <summary>The private key as <c>openssl genpkey</c> writes it (PKCS#8).</summary>
    public string PrivateKeyPem => _rsa.ExportPkcs8PrivateKeyPem();

    /// <summary>The public half as a JWK Set, with this key's <c>kid</c>.</summary>
    public string PublicJwks()
    {
        var jwk = JsonWebKeyConverter.ConvertFromRSASecurityKey(new RsaSecurityKey(_rsa.ExportParameters(false)) { KeyId = Key.KeyId });
        jwk.Use = "sig";
        jwk.Alg = SecurityAlgorithms.RsaSha256;
        return System.Text.Json.JsonSerializer.Serialize(new
        {
            keys = new[] { new { kty = jwk.Kty, use = jwk.Use, alg = jwk.Alg, kid = jwk.Kid, n = jwk.N, e = jwk.E } },
        });
    }

    /// <summary>The private half as a JWK (what must never be registered).</summary>
    public string PrivateJwk()
    {
        var p = _rsa.ExportParameters(true);
        return System.Text.Json.JsonSerializer.Serialize(new
        {
            kty = "RSA",
            kid = Key.KeyId,
            n = Base64UrlEncoder.Encode(p.Modulus),
            e = Base64UrlEncoder.Encode(p.Exponent),
            d = Base64UrlEncoder.Encode(p.D),
            p = Base64UrlEncoder.Encode(p.P),
            q = Base64UrlEncoder.Encode(p.Q),
            dp = Base64UrlEncoder.Encode(p.DP),
            dq = Base64UrlEncoder.Encode(p.DQ),
            qi = Base64UrlEncoder.Encode(p.InverseQ),
        });
    }

    /// <summary>
    /// A signed assertion for <paramref name="clientId"/> to <paramref name="audience"/>, valid from now for
    /// <paramref name="lifetime"/>; <paramref name="jti"/> empty leaves the <c>jti</c> out.
    /// </summary>
    public string Create(string clientId, string audience, TimeSpan? lifetime = null, DateTime? issuedAt = null, string? jti = null, string tokenType = "client-authentication+jwt")
    {
        var now = issuedAt ?? DateTime.UtcNow;
        return new JsonWebTokenHandler { SetDefaultTimesOnTokenCreation = false }.CreateToken(new SecurityTokenDescriptor
        {
            // The explicit type of draft-ietf-oauth-rfc7523bis, which the sandbox's OpenIddict asks for.
            TokenType = tokenType,
            Issuer = clientId,
            Audience = audience,
            Subject = new ClaimsIdentity(jti == ""
                ? [new Claim("sub", clientId)]
                : [new Claim("sub", clientId), new Claim("jti", jti ?? Guid.NewGuid().ToString("N"))]),
            IssuedAt = now,
            NotBefore = now,
            Expires = now + (lifetime ?? TimeSpan.FromMinutes(1)),
            SigningCredentials = new SigningCredentials(Key, SecurityAlgorithms.RsaSha256),
        });
    }

    public void Dispose() => _rsa.Dispose();
}
