using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.IdentityModel.Tokens;

namespace AgilePlanner.Sandbox.Developers;

/// <summary>
/// The public keys an application signs its client assertions with (RFC 7523 <c>private_key_jwt</c>), read from what a
/// developer pastes: a JWK Set, a single JWK, or a PEM public key as <c>openssl pkey -pubout</c> writes it. Private
/// keys, symmetric keys and weak keys are refused; every message names the problem without repeating the input.
/// </summary>
internal static class PublicKeySet
{
    /// <summary>Far above a few PEM or JWK public keys, far below a page of text.</summary>
    public const int MaxLength = 20_000;

    public const int MaxKeys = 5;

    public const string PrivateKeyRefused =
        "This is a private key. Keep it on your server and never paste it anywhere: paste its public key only " +
        "(openssl pkey -in client-key.pem -pubout). If this key was ever shared, make a new one.";

    private static readonly string[] PrivateMembers = ["d", "p", "q", "dp", "dq", "qi", "oth", "k"];

    /// <summary>The keys, with a thumbprint <c>kid</c> where they had none, or the reason they cannot be used.</summary>
    public static (JsonWebKeySet? Keys, string? Error, bool LooksPrivate) Parse(string? text)
    {
        text = text?.Trim();
        if (string.IsNullOrEmpty(text))
        {
            return (null, null, false);
        }
        if (text.Length > MaxLength)
        {
            return (null, $"That is more text than {MaxKeys} public keys take. Paste the public keys only.", false);
        }
        if (text.Contains("PRIVATE KEY-----", StringComparison.Ordinal))
        {
            return (null, PrivateKeyRefused, true);
        }
        return text.StartsWith("-----BEGIN", StringComparison.Ordinal) ? FromPem(text) : FromJson(text);
    }

    private static (JsonWebKeySet?, string?, bool) FromPem(string text)
    {
        var keys = new JsonWebKeySet();
        var remaining = text.AsSpan();
        while (PemEncoding.TryFind(remaining, out var fields))
        {
            var label = remaining[fields.Label].ToString();
            if (label != "PUBLIC KEY")
            {
                return (null, $"A PEM block labelled \"{Shorten(label)}\" is not a public key. Paste the output of openssl pkey -pubout (BEGIN PUBLIC KEY).", false);
            }
            var pem = remaining[fields.Location].ToString();
            remaining = remaining[fields.Location.End..];
            if (keys.Keys.Count == MaxKeys)
            {
                return (null, $"Register at most {MaxKeys} keys.", false);
            }
            var (key, error) = FromPublicKeyPem(pem);
            if (key is null)
            {
                return (null, error, false);
            }
            keys.Keys.Add(key);
        }
        return keys.Keys.Count == 0
            ? (null, "The PEM text could not be read. Paste the whole block, from -----BEGIN PUBLIC KEY----- to -----END PUBLIC KEY-----.", false)
            : Checked(keys);
    }

    private static (JsonWebKey?, string?) FromPublicKeyPem(string pem)
    {
        try
        {
            using var rsa = RSA.Create();
            rsa.ImportFromPem(pem);
            return (JsonWebKeyConverter.ConvertFromRSASecurityKey(new RsaSecurityKey(rsa.ExportParameters(false))), null);
        }
        catch (CryptographicException)
        {
        }
        try
        {
            using var ec = ECDsa.Create();
            ec.ImportFromPem(pem);
            return (JsonWebKeyConverter.ConvertFromECDsaSecurityKey(new ECDsaSecurityKey(ECDsa.Create(ec.ExportParameters(false)))), null);
        }
        catch (CryptographicException)
        {
            return (null, "The PEM public key could not be read: use an RSA key of at least 2048 bits or an EC key on P-256, P-384 or P-521.");
        }
    }

    private static (JsonWebKeySet?, string?, bool) FromJson(string text)
    {
        JsonElement root;
        try
        {
            root = JsonSerializer.Deserialize<JsonElement>(text);
        }
        catch (JsonException)
        {
            return (null, "The public keys are neither a JWK Set ({\"keys\": [ … ]}) nor a PEM public key. Paste one of those.", false);
        }
        if (root.ValueKind != JsonValueKind.Object)
        {
            return (null, "A JWK Set is a JSON object: {\"keys\": [ … ]}.", false);
        }

        var members = root.TryGetProperty("keys", out var list)
            ? list.ValueKind == JsonValueKind.Array ? [.. list.EnumerateArray()] : null
            : new List<JsonElement> { root };
        if (members is null || members.Count == 0)
        {
            return (null, "The JWK Set has no keys: \"keys\" must be a list of at least one key.", false);
        }
        if (members.Count > MaxKeys)
        {
            return (null, $"Register at most {MaxKeys} keys.", false);
        }

        var keys = new JsonWebKeySet();
        foreach (var member in members)
        {
            if (member.ValueKind != JsonValueKind.Object)
            {
                return (null, "Each key in \"keys\" must be a JSON object.", false);
            }
            if (PrivateMembers.FirstOrDefault(name => member.TryGetProperty(name, out _)) is { } secret)
            {
                return (null, secret == "k"
                    ? "A symmetric key (\"k\") is a shared secret, not a public key. Use an RSA or EC key pair and paste its public half."
                    : PrivateKeyRefused, true);
            }
            JsonWebKey key;
            try
            {
                key = new JsonWebKey(member.GetRawText());
            }
            catch (ArgumentException)
            {
                return (null, "A key in the JWK Set could not be read.", false);
            }
            keys.Keys.Add(key);
        }
        return Checked(keys);
    }

    private static (JsonWebKeySet?, string?, bool) Checked(JsonWebKeySet keys)
    {
        foreach (var key in keys.Keys)
        {
            if (Problem(key) is { } problem)
            {
                return (null, problem, false);
            }
            if (string.IsNullOrEmpty(key.Kid))
            {
                key.Kid = Base64UrlEncoder.Encode(key.ComputeJwkThumbprint());
            }
        }
        if (keys.Keys.GroupBy(k => k.Kid, StringComparer.Ordinal).Any(g => g.Count() > 1))
        {
            return (null, "Two keys have the same \"kid\". Give each key its own.", false);
        }
        return (keys, null, false);
    }

    private static string? Problem(JsonWebKey key)
    {
        if (key.Use is { Length: > 0 } use && use != JsonWebKeyUseNames.Sig)
        {
            return $"A key with \"use\": \"{Shorten(use)}\" cannot sign client assertions: use \"sig\" or leave \"use\" out.";
        }
        switch (key.Kty)
        {
            case JsonWebAlgorithmsKeyTypes.RSA:
                if (string.IsNullOrEmpty(key.N) || string.IsNullOrEmpty(key.E))
                {
                    return "An RSA key needs its \"n\" and \"e\".";
                }
                return Base64UrlEncoder.DecodeBytes(key.N).SkipWhile(b => b == 0).Count() * 8 < 2048
                    ? "This RSA key is shorter than 2048 bits. Make a new one: openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out client-key.pem"
                    : null;
            case JsonWebAlgorithmsKeyTypes.EllipticCurve:
                return key.Crv is JsonWebKeyECTypes.P256 or JsonWebKeyECTypes.P384 or JsonWebKeyECTypes.P521
                    && !string.IsNullOrEmpty(key.X) && !string.IsNullOrEmpty(key.Y)
                    ? null
                    : "An EC key must be on P-256, P-384 or P-521 and carry its \"x\" and \"y\".";
            default:
                return "Only RSA and EC public keys can sign client assertions here (\"kty\": \"RSA\" or \"EC\").";
        }
    }

    private static string Shorten(string text) => text.Length <= 20 ? text : text[..20] + "…";
}
