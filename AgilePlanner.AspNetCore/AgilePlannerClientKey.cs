using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace AgilePlanner.AspNetCore;

/// <summary>
/// The client's private key for <c>private_key_jwt</c>: an RSA key (2048 bits or more, signs RS256) or a P-256 EC key (signs
/// ES256), read from a PEM file (PKCS#8 <c>PRIVATE KEY</c>, <c>RSA PRIVATE KEY</c>, <c>EC PRIVATE KEY</c>) or a JWK with its
/// private part <c>d</c>. Nothing of the key is ever put in a message: a problem names the file and what is wrong with it only.
/// </summary>
public sealed class AgilePlannerClientKey : IDisposable
{
    /// <summary>A key file larger than this is not a key.</summary>
    private const int MaxFileBytes = 64 * 1024;

    private readonly RSA? _rsa;
    private readonly ECDsa? _ecdsa;

    private AgilePlannerClientKey(RSA? rsa, ECDsa? ecdsa, string? keyId)
    {
        _rsa = rsa;
        _ecdsa = ecdsa;
        KeyId = keyId;
    }

    /// <summary>The JWK's <c>kid</c>, sent in the assertion's header so the provider finds the key at once; null for a PEM key, which has none.</summary>
    public string? KeyId { get; }

    /// <summary>The JWS algorithm the key signs with: <c>RS256</c> or <c>ES256</c>.</summary>
    public string Algorithm => _rsa is not null ? "RS256" : "ES256";

    /// <summary>Reads the private key in <paramref name="path"/>.</summary>
    /// <param name="path">A PEM or JWK file.</param>
    /// <param name="key">The key, when it could be used.</param>
    /// <param name="problem">Why it could not (never a part of the key).</param>
    /// <returns>Whether the key could be used.</returns>
    public static bool TryLoad(string path, out AgilePlannerClientKey? key, out string? problem)
    {
        key = null;
        string text;
        try
        {
            var file = new FileInfo(path);
            if (!file.Exists)
            {
                problem = $"the file '{path}' does not exist";
                return false;
            }
            if (file.Length > MaxFileBytes)
            {
                problem = $"the file '{path}' is larger than {MaxFileBytes / 1024} KB, which no key is";
                return false;
            }
            text = File.ReadAllText(path, Encoding.UTF8);
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            problem = $"the file '{path}' could not be read ({exception.GetType().Name})";
            return false;
        }

        problem = text.TrimStart().StartsWith('{') ? FromJwk(text, out key) : FromPem(text, out key);
        if (problem is not null)
        {
            problem = $"the file '{path}' {problem}";
        }
        return key is not null;
    }

    /// <summary>The JWS signature of <paramref name="signingInput"/> (<c>header.claims</c>, RFC 7515 section 5.1).</summary>
    internal byte[] Sign(byte[] signingInput) => _rsa is not null
        ? _rsa.SignData(signingInput, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1)
        // JWS wants R and S concatenated (RFC 7518 section 3.4), which is .NET's IEEE P1363 format.
        : _ecdsa!.SignData(signingInput, HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);

    /// <inheritdoc />
    public void Dispose()
    {
        _rsa?.Dispose();
        _ecdsa?.Dispose();
    }

    private static string? FromPem(string text, out AgilePlannerClientKey? key)
    {
        key = null;
        if (!PemEncoding.TryFind(text, out var fields))
        {
            return "is neither a PEM key (-----BEGIN PRIVATE KEY-----) nor a JWK (a JSON object)";
        }
        var label = text[fields.Label];
        byte[] der;
        try
        {
            der = Convert.FromBase64String(text[fields.Base64Data]);
        }
        catch (FormatException)
        {
            return $"holds a {label} whose content is not base64";
        }

        try
        {
            switch (label)
            {
                case "PRIVATE KEY":
                    return Pkcs8(der, out key);
                case "RSA PRIVATE KEY":
                {
                    var rsa = RSA.Create();
                    rsa.ImportRSAPrivateKey(der, out _);
                    return Rsa(rsa, null, out key);
                }
                case "EC PRIVATE KEY":
                {
                    var ecdsa = ECDsa.Create();
                    ecdsa.ImportECPrivateKey(der, out _);
                    return Ec(ecdsa, null, out key);
                }
                case "ENCRYPTED PRIVATE KEY":
                    return "holds an encrypted private key: write it unencrypted (openssl pkey -in key.pem -out client-key.pem) and protect the file instead";
                case "PUBLIC KEY" or "RSA PUBLIC KEY" or "CERTIFICATE":
                    return $"holds a {label}, the public half only: it needs the private key (openssl genpkey writes one)";
                default:
                    return $"holds a {label}, not a private key";
            }
        }
        catch (CryptographicException)
        {
            return $"holds a {label} that could not be read as a key";
        }
    }

    private static string? Pkcs8(byte[] der, out AgilePlannerClientKey? key)
    {
        var rsa = RSA.Create();
        try
        {
            rsa.ImportPkcs8PrivateKey(der, out _);
            return Rsa(rsa, null, out key);
        }
        catch (CryptographicException)
        {
            rsa.Dispose();
        }
        var ecdsa = ECDsa.Create();
        ecdsa.ImportPkcs8PrivateKey(der, out _);
        return Ec(ecdsa, null, out key);
    }

    private static string? FromJwk(string text, out AgilePlannerClientKey? key)
    {
        key = null;
        JsonElement jwk;
        try
        {
            using var document = JsonDocument.Parse(text);
            jwk = document.RootElement.Clone();
        }
        catch (JsonException)
        {
            return "is not valid JSON";
        }
        if (jwk.ValueKind != JsonValueKind.Object)
        {
            return "is not a JWK (a JSON object)";
        }
        if (jwk.TryGetProperty("keys", out _))
        {
            return "is a JWK Set: it needs one private JWK, not a set";
        }
        var kid = Text(jwk, "kid");
        var kty = Text(jwk, "kty");
        if (Text(jwk, "d") is null)
        {
            return kty is "oct" ? "is a symmetric key, not a private key" : "is a public JWK: it has no private part (d)";
        }

        try
        {
            switch (kty)
            {
                case "RSA":
                {
                    var parameters = new RSAParameters
                    {
                        Modulus = Bytes(jwk, "n"),
                        Exponent = Bytes(jwk, "e"),
                        D = Bytes(jwk, "d"),
                        P = Bytes(jwk, "p"),
                        Q = Bytes(jwk, "q"),
                        DP = Bytes(jwk, "dp"),
                        DQ = Bytes(jwk, "dq"),
                        InverseQ = Bytes(jwk, "qi"),
                    };
                    if (parameters.Modulus is null || parameters.Exponent is null || parameters.P is null || parameters.Q is null
                        || parameters.DP is null || parameters.DQ is null || parameters.InverseQ is null)
                    {
                        return "is an RSA JWK without all of n, e, d, p, q, dp, dq and qi";
                    }
                    var rsa = RSA.Create();
                    rsa.ImportParameters(parameters);
                    return Rsa(rsa, kid, out key);
                }
                case "EC":
                {
                    if (Text(jwk, "crv") != "P-256")
                    {
                        return "is an EC JWK on another curve than P-256 (only ES256 is signed)";
                    }
                    var ecdsa = ECDsa.Create(new ECParameters
                    {
                        Curve = ECCurve.NamedCurves.nistP256,
                        Q = new ECPoint { X = Bytes(jwk, "x"), Y = Bytes(jwk, "y") },
                        D = Bytes(jwk, "d"),
                    });
                    return Ec(ecdsa, kid, out key);
                }
                default:
                    return $"is a JWK of type '{(kty is { Length: <= 10 } ? kty : "?")}': only RSA and EC (P-256) keys sign assertions";
            }
        }
        catch (Exception exception) when (exception is CryptographicException or FormatException or ArgumentException)
        {
            return "is a JWK that could not be read as a key";
        }
    }

    private static string? Rsa(RSA rsa, string? kid, out AgilePlannerClientKey? key)
    {
        key = null;
        var bits = rsa.KeySize;
        if (bits < 2048)
        {
            rsa.Dispose();
            return $"holds an RSA key of {bits} bits: it must be 2048 bits or more";
        }
        key = new AgilePlannerClientKey(rsa, null, kid);
        return null;
    }

    private static string? Ec(ECDsa ecdsa, string? kid, out AgilePlannerClientKey? key)
    {
        key = null;
        var curve = ecdsa.ExportParameters(false).Curve;
        if (curve.Oid?.Value != ECCurve.NamedCurves.nistP256.Oid.Value)
        {
            ecdsa.Dispose();
            return "holds an EC key on another curve than P-256 (only ES256 is signed)";
        }
        key = new AgilePlannerClientKey(null, ecdsa, kid);
        return null;
    }

    private static string? Text(JsonElement jwk, string name) =>
        jwk.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String && value.GetString() is { Length: > 0 } text ? text : null;

    private static byte[]? Bytes(JsonElement jwk, string name) => Text(jwk, name) is { } text ? Base64Url.DecodeFromChars(text) : null;
}
