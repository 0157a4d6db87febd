using AgilePlanner.WebApp.Security;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace AgilePlanner.WebApp.Flow;

/// <summary>
/// The one place that decides how a secret looks on a page: the first 4 and last 4 characters of a long value,
/// nothing at all of a short one. Used by the flow inspector and the API console alike.
/// </summary>
public static partial class Masking
{
    /// <summary>What a fully hidden value looks like.</summary>
    public const string Hidden = "••••••••";

    /// <summary>Values shorter than this are hidden entirely, so the visible 8 characters stay a small part of the secret.</summary>
    public const int MinimumLengthToShowEnds = 20;


    private static readonly JsonSerializerOptions PrettyJson = new()
    {
        WriteIndented = true,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    // An assertion's header and claims, each on one line.
    private static readonly JsonSerializerOptions CompactJson = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary><c>abcd…wxyz</c> for a long value, <see cref="Hidden"/> for a short one, empty for none.</summary>
    public static string Mask(string? value)
    {
        if (string.IsNullOrEmpty(value))
        {
            return string.Empty;
        }
        return value.Length < MinimumLengthToShowEnds ? Hidden : string.Concat(value.AsSpan(0, 4), "…", value.AsSpan(value.Length - 4));
    }

    /// <summary>
    /// Names whose values are secrets in an OAuth redirect: the general ones plus <c>state</c>, which binds the
    /// redirect to this browser (an API query may use <c>state</c> innocently, as in <c>?state=started</c>).
    /// </summary>
    public static readonly IReadOnlySet<string> RedirectSecretNames = SecretNames.RedirectParameters;

    public static bool IsSecretName(string name) => SecretNames.Parameters.Contains(name);

    public static bool IsSecretHeader(string name) => SecretNames.Headers.Contains(name);

    /// <summary>The value of a named parameter, masked when the name says it is a secret.</summary>
    public static string MaskParameter(string name, string? value, IReadOnlySet<string>? secretNames = null) =>
        (secretNames ?? SecretNames.Parameters).Contains(name) ? Mask(value) : value ?? string.Empty;

    /// <summary>
    /// A client assertion (RFC 7523) as it may be shown: its header and claims decoded, which carry nothing secret and teach what
    /// the provider checks, and never its signature, which is what would let a copy be replayed while it lives.
    /// </summary>
    public static string MaskAssertion(string? jwt)
    {
        var parts = jwt?.Split('.') ?? [];
        if (parts.Length != 3 || Decoded(parts[0]) is not { } header || Decoded(parts[1]) is not { } claims)
        {
            return Mask(jwt);
        }
        return $"{header} . {claims} . signature {Hidden}";

        static string? Decoded(string part)
        {
            try
            {
                var node = JsonNode.Parse(System.Buffers.Text.Base64Url.DecodeFromChars(part));
                if (node is not JsonObject obj)
                {
                    return null;
                }
                MaskNode(obj);
                return obj.ToJsonString(CompactJson);
            }
            catch (Exception exception) when (exception is FormatException or JsonException or ArgumentException or InvalidOperationException)
            {
                return null;
            }
        }
    }

    /// <summary>A header value as it may be shown: <c>Bearer abcd…wxyz</c>, <c>Basic ••••••••</c>, cookies hidden.</summary>
    public static string MaskHeader(string name, string? value)
    {
        if (string.IsNullOrEmpty(value) || !IsSecretHeader(name))
        {
            return value ?? string.Empty;
        }
        if (name.Equals("Authorization", StringComparison.OrdinalIgnoreCase) || name.Equals("Proxy-Authorization", StringComparison.OrdinalIgnoreCase))
        {
            var space = value.IndexOf(' ');
            if (space > 0)
            {
                var scheme = value[..space];
                var credentials = value[(space + 1)..].Trim();
                // Basic credentials decode to "client_id:client_secret": nothing of them is shown.
                return scheme.Equals("Basic", StringComparison.OrdinalIgnoreCase) ? $"{scheme} {Hidden}" : $"{scheme} {Mask(credentials)}";
            }
            return Mask(value);
        }
        if (name.Equals("Set-Cookie", StringComparison.OrdinalIgnoreCase))
        {
            // Keep the cookie's name and attributes, which explain the session; hide its value.
            var equals = value.IndexOf('=');
            var semicolon = value.IndexOf(';');
            var cookieName = equals > 0 ? value[..equals] : "cookie";
            var attributes = semicolon > 0 ? value[semicolon..] : string.Empty;
            return $"{cookieName}={Hidden}{attributes}";
        }
        return Hidden;
    }

    /// <summary>A URL with the values of secret query parameters masked (<c>?code=abcd…wxyz&amp;state=…</c>).</summary>
    public static string MaskUrl(string url, IReadOnlySet<string>? secretNames = null)
    {
        var question = url.IndexOf('?');
        if (question < 0)
        {
            return url;
        }
        var fragment = url.IndexOf('#', question);
        var query = fragment < 0 ? url[(question + 1)..] : url[(question + 1)..fragment];
        return url[..(question + 1)] + MaskFormEncoded(query, secretNames) + (fragment < 0 ? string.Empty : "#" + Hidden);
    }

    /// <summary>An <c>application/x-www-form-urlencoded</c> string (a query or a form body) with secret values masked.</summary>
    public static string MaskFormEncoded(string encoded, IReadOnlySet<string>? secretNames = null)
    {
        secretNames ??= SecretNames.Parameters;
        var builder = new StringBuilder(encoded.Length);
        foreach (var (name, value, raw) in ParseFormEncoded(encoded))
        {
            if (builder.Length > 0)
            {
                builder.Append('&');
            }
            if (secretNames.Contains(name))
            {
                // Masked as it appears on the wire (still encoded), so the ellipsis reads as one; hidden if the decoded value is short.
                var encodedValue = raw.Contains('=') ? raw[(raw.IndexOf('=') + 1)..] : string.Empty;
                builder.Append(raw.Contains('=') ? raw[..raw.IndexOf('=')] : raw).Append('=')
                    .Append(Mask(value) == Hidden ? Hidden : Mask(encodedValue));
            }
            else
            {
                builder.Append(raw);
            }
        }
        return builder.ToString();
    }

    /// <summary>The decoded name/value pairs of a query or form body, masked, in order.</summary>
    public static IReadOnlyList<KeyValuePair<string, string>> MaskedPairs(string encoded, IReadOnlySet<string>? secretNames = null) =>
        ParseFormEncoded(encoded).Select(p => KeyValuePair.Create(p.Name, MaskParameter(p.Name, p.Value, secretNames))).ToList();

    /// <summary>The decoded name/value pairs of a query or form body, unmasked (to learn which secrets to scrub).</summary>
    public static IReadOnlyList<KeyValuePair<string, string>> Pairs(string encoded) =>
        ParseFormEncoded(encoded).Select(p => KeyValuePair.Create(p.Name, p.Value)).ToList();

    /// <summary>
    /// Indented JSON with every secret property masked, however deeply nested;
    /// null when <paramref name="json"/> is not JSON.
    /// </summary>
    public static string? MaskJson(string json)
    {
        JsonNode? node;
        try
        {
            node = JsonNode.Parse(json);
            MaskNode(node);
        }
        // A key twice is JSON a JsonObject cannot hold (ArgumentException): shown as text, masked by its pairs.
        catch (Exception exception) when (exception is JsonException or ArgumentException or InvalidOperationException)
        {
            return null;
        }
        return node?.ToJsonString(PrettyJson) ?? "null";
    }

    /// <summary>Replaces every occurrence of the given secret values in free text (error messages, non-JSON bodies).</summary>
    public static string Scrub(string text, IEnumerable<string> secrets)
    {
        foreach (var secret in secrets.Where(s => s.Length >= 4).Distinct().OrderByDescending(s => s.Length))
        {
            text = text.Replace(secret, Mask(secret), StringComparison.Ordinal);
            var escaped = Uri.EscapeDataString(secret);
            if (escaped != secret)
            {
                text = text.Replace(escaped, Mask(secret), StringComparison.Ordinal);
            }
        }
        return text;
    }

    /// <summary>
    /// Masks <c>"access_token": "..."</c> and <c>refresh_token=...</c> pairs in text that could not be parsed
    /// (a truncated or malformed body), so a secret is hidden even when its structure is not understood.
    /// </summary>
    public static string MaskSecretPairs(string text) =>
        SecretNames.Assignment.Replace(text, match => match.Groups["lead"].Value + Mask(match.Groups["value"].Value));


    private static void MaskNode(JsonNode? node)
    {
        switch (node)
        {
            case JsonObject obj:
                foreach (var (name, child) in obj.ToList())
                {
                    if (IsSecretName(name) && child is JsonValue value)
                    {
                        obj[name] = Mask(value.ToString());
                    }
                    else
                    {
                        MaskNode(child);
                    }
                }
                break;
            case JsonArray array:
                foreach (var child in array)
                {
                    MaskNode(child);
                }
                break;
        }
    }

    private static IEnumerable<(string Name, string Value, string Raw)> ParseFormEncoded(string encoded)
    {
        foreach (var raw in encoded.Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var equals = raw.IndexOf('=');
            var name = Decode(equals < 0 ? raw : raw[..equals]);
            var value = equals < 0 ? string.Empty : Decode(raw[(equals + 1)..]);
            yield return (name, value, raw);
        }
    }

    private static string Decode(string component)
    {
        try
        {
            return Uri.UnescapeDataString(component.Replace('+', ' '));
        }
        catch (UriFormatException)
        {
            return component;
        }
    }
}
