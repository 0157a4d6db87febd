using System.Collections.Frozen;
using System.Text.RegularExpressions;

namespace AgilePlanner.WebApp.Security;

/// <summary>
/// The one list of what is secret, for the flow inspector's masking and for log redaction alike: protocol parameters and JSON
/// properties that carry credentials or grants (RFC 6749, 7009, 7523, 7636, 8628, 8693), and headers that carry credentials
/// or session state.
/// </summary>
public static partial class SecretNames
{
    /// <summary>Parameter and JSON property names whose values are credentials or grants.</summary>
    public static readonly FrozenSet<string> Parameters = new[]
    {
        "access_token", "refresh_token", "id_token", "token", "code", "code_verifier", "client_secret", "password",
        "assertion", "client_assertion", "device_code", "subject_token", "actor_token",
    }.ToFrozenSet(StringComparer.OrdinalIgnoreCase);

    /// <summary>Also secret in a redirect (authorize URL, callback): <c>state</c> binds the answer to this browser's sign-in.</summary>
    public static readonly FrozenSet<string> RedirectParameters = Parameters.Append("state").ToFrozenSet(StringComparer.OrdinalIgnoreCase);

    /// <summary>Headers whose values carry credentials or session state.</summary>
    public static readonly FrozenSet<string> Headers = new[]
    {
        "Authorization", "Proxy-Authorization", "Cookie", "Set-Cookie", "X-Api-Key", "X-Auth-Token",
    }.ToFrozenSet(StringComparer.OrdinalIgnoreCase);

    /// <summary>
    /// <c>name=value</c> or <c>"name": "value"</c> for any of <see cref="Parameters"/>, in text whose structure is not known (a
    /// malformed body, a log message): groups <c>lead</c> (the name and separator) and <c>value</c>. A value already masked
    /// (<c>***</c>) is left alone.
    /// </summary>
    public static readonly Regex Assignment = new(
        $$"""(?<lead>"?\b(?:{{string.Join('|', Parameters.Select(Regex.Escape))}})\b"?\s*[:=]\s*"?)(?!\*\*\*)(?<value>[^"&\s,}]+)""",
        RegexOptions.IgnoreCase | RegexOptions.CultureInvariant | RegexOptions.Compiled, TimeSpan.FromSeconds(1));

    /// <summary>
    /// Whether a log property or structure member of this name holds a secret as a whole: any of <see cref="Parameters"/>,
    /// <see cref="Headers"/> or <c>state</c>, or a .NET-style name of one (<c>AccessToken</c>, <c>ClientSecret</c>, <c>CodeVerifier</c>).
    /// </summary>
    public static bool IsSecretPropertyName(string name) =>
        RedirectParameters.Contains(name) || Headers.Contains(name) || SecretPropertyName().IsMatch(name);

    [GeneratedRegex(@"^passwd$|access_?token|refresh_?token|id_?token|secret|verifier|credential|assertion", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex SecretPropertyName();
}
