namespace AgilePlanner.Sandbox.Authorization;

/// <summary>
/// Compares a requested redirect URI with a registered one: character for character, except that a
/// loopback host (localhost, 127.0.0.1, [::1]) over http may come on any port (RFC 8252 section 7.3).
/// </summary>
internal static class RedirectUriMatch
{
    private static readonly string[] LoopbackHosts = ["localhost", "127.0.0.1", "[::1]"];

    public static bool Matches(string registered, string requested)
    {
        if (string.Equals(registered, requested, StringComparison.Ordinal))
        {
            return true;
        }

        return TrySplit(registered, out var registeredHost, out var registeredRest)
            && IsLoopback(registeredHost)
            && TrySplit(requested, out var requestedHost, out var requestedRest)
            && string.Equals(registeredHost, requestedHost, StringComparison.OrdinalIgnoreCase)
            && string.Equals(registeredRest, requestedRest, StringComparison.Ordinal);
    }

    public static bool IsLoopback(string host) =>
        LoopbackHosts.Contains(host, StringComparer.OrdinalIgnoreCase);

    /// <summary>Splits <c>http://host[:port]rest</c> on the raw text, so no normalisation can make two URIs equal.</summary>
    private static bool TrySplit(string uri, out string host, out string rest)
    {
        host = rest = "";
        const string scheme = "http://";
        if (!uri.StartsWith(scheme, StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        var authorityEnd = uri.IndexOfAny(['/', '?', '#'], scheme.Length);
        var authority = authorityEnd < 0 ? uri[scheme.Length..] : uri[scheme.Length..authorityEnd];
        rest = authorityEnd < 0 ? "" : uri[authorityEnd..];
        if (authority.Contains('@'))
        {
            return false;
        }

        var portStart = authority.StartsWith('[') ? authority.IndexOf(':', Math.Max(authority.IndexOf(']'), 0)) : authority.IndexOf(':');
        host = portStart < 0 ? authority : authority[..portStart];
        if (portStart >= 0)
        {
            var port = authority[(portStart + 1)..];
            if (port.Length == 0 || port.Length > 5 || !port.All(char.IsAsciiDigit))
            {
                return false;
            }
        }
        return host.Length > 0;
    }
}
