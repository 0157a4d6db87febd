using System.Globalization;
using System.Net;

namespace AgilePlanner.WebApp.Hosting;

/// <summary>
/// The hosts the app answers for: <c>AllowedHosts</c> (host names separated by <c>;</c>, <c>*.example.com</c> for subdomains,
/// <c>*</c> for any), the host of <c>AgilePlanner:PublicBaseUrl</c> when <c>AllowedHosts</c> is empty, and loopback names
/// (<c>localhost</c>, <c>127.0.0.0/8</c>, <c>[::1]</c>) on any port always, for <c>dotnet run</c> and a published container port.
/// </summary>
public sealed class AllowedHosts
{
    private static readonly System.Buffers.SearchValues<char> Digits = System.Buffers.SearchValues.Create("0123456789");

    public const string Key = "AllowedHosts";

    private readonly bool _any;
    private readonly HashSet<string> _exact = new(StringComparer.OrdinalIgnoreCase);
    private readonly List<string> _suffixes = [];

    private AllowedHosts(IEnumerable<string> entries)
    {
        foreach (var entry in entries)
        {
            if (entry == "*")
            {
                _any = true;
            }
            else if (entry.StartsWith("*.", StringComparison.Ordinal))
            {
                _suffixes.Add(entry[1..]);
            }
            else
            {
                _exact.Add(entry);
            }
        }
    }

    /// <summary>What the app shows in its refusal and its docs: the configured names, or the public address's host.</summary>
    public IReadOnlyCollection<string> Configured => _any ? ["*"] : [.. _exact, .. _suffixes.Select(suffix => "*" + suffix)];

    public static AllowedHosts From(IConfiguration configuration)
    {
        var entries = (configuration[Key] ?? string.Empty)
            .Split([';', ','], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .ToList();
        if (entries.Count == 0 && PublicAddress.PublicBaseUrl(configuration) is { } publicBaseUrl)
        {
            entries.Add(publicBaseUrl.IdnHost);
        }
        foreach (var entry in entries.Where(entry => entry != "*" && !IsWellFormedHostName(entry.StartsWith("*.", StringComparison.Ordinal) ? entry[2..] : entry)))
        {
            throw new InvalidOperationException($"{Key} must list host names without scheme or port, separated by ';' (planner.example.com;*.example.org), not '{entry}'.");
        }
        return new AllowedHosts(entries);
    }

    /// <summary>Whether a request naming <paramref name="host"/> (already checked well formed) is answered.</summary>
    public bool Allows(HostString host)
    {
        var name = host.Host;
        return _any || IsLoopback(name) || _exact.Contains(name)
            || _suffixes.Any(suffix => name.EndsWith(suffix, StringComparison.OrdinalIgnoreCase) && name.Length > suffix.Length);
    }

    /// <summary>A Host a URL can be built from: a DNS name or IP address, and a port from 1 to 65535 if any.</summary>
    public static bool IsWellFormed(HostString host)
    {
        var value = host.Value;
        if (string.IsNullOrEmpty(value) || !IsWellFormedHostName(host.Host))
        {
            return false;
        }
        var afterHost = value.AsSpan(host.Host.Length);
        if (afterHost.IsEmpty)
        {
            return true;
        }
        return afterHost[0] == ':' && afterHost.Length is > 1 and <= 6 && !afterHost[1..].ContainsAnyExcept(Digits)
            && int.Parse(afterHost[1..], CultureInfo.InvariantCulture) is > 0 and <= 65535;
    }

    private static bool IsWellFormedHostName(string name) =>
        name.Length is > 0 and <= 253 && Uri.CheckHostName(name) is UriHostNameType.Dns or UriHostNameType.IPv4 or UriHostNameType.IPv6
            && (Uri.CheckHostName(name) != UriHostNameType.Dns || name.Split('.').All(label => label.Length is > 0 and <= 63));

    public static bool IsLoopback(string name) =>
        name.Equals("localhost", StringComparison.OrdinalIgnoreCase)
        || (IPAddress.TryParse(name.Trim('[', ']'), out var address) && IPAddress.IsLoopback(address));
}
