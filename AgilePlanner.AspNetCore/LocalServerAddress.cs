using System.Globalization;
using System.Net;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;

namespace AgilePlanner.AspNetCore;

/// <summary>
/// Where back-channel calls to a provider hosted in this same app go: this server's own listening address (from
/// <see cref="IServer"/>), never an address taken from a request, so neither a Host header nor a published port
/// (<c>-p 9000:8080</c>) can send the client secret, a code or a token anywhere else. <see cref="CoHostedProviderHandler"/>
/// names the browser's host in the Host header, so the provider sees the issuer the browser saw.
/// </summary>
internal sealed class LocalServerAddress(IServer server)
{
    /// <summary>What a server without listening addresses (the in-memory test server) is called.</summary>
    private static readonly Uri InMemory = new("http://localhost/");

    private Uri? _address;

    /// <summary>The first listening address, plain HTTP preferred (no TLS needed to talk to oneself), a wildcard bind as loopback.</summary>
    public Uri Address => _address ?? (_address = Find()) ?? InMemory;

    /// <summary>Whether <paramref name="uri"/> is on <see cref="Address"/>: a call to this very process.</summary>
    public bool IsOwn(Uri uri) => Uri.Compare(uri, Address, UriComponents.SchemeAndServer, UriFormat.Unescaped, StringComparison.OrdinalIgnoreCase) == 0;

    private Uri? Find()
    {
        var addresses = server.Features.Get<IServerAddressesFeature>()?.Addresses ?? [];
        var candidates = addresses.Select(Connectable).OfType<Uri>().ToList();
        return candidates.FirstOrDefault(uri => uri.Scheme == Uri.UriSchemeHttp) ?? candidates.FirstOrDefault();
    }

    // Kestrel reports http://[::]:8080, http://+:8080 or http://0.0.0.0:8080 for "any address": loopback reaches each of them.
    private static Uri? Connectable(string address)
    {
        var schemeEnd = address.IndexOf("://", StringComparison.Ordinal);
        var portStart = address.LastIndexOf(':');
        if (schemeEnd < 0 || portStart <= schemeEnd + 3 || !int.TryParse(address.AsSpan(portStart + 1).TrimEnd('/'), NumberStyles.None, CultureInfo.InvariantCulture, out var port))
        {
            return null;
        }
        var scheme = address[..schemeEnd];
        var host = address[(schemeEnd + 3)..portStart];
        if (host is "*" or "+" or "[::]" or "0.0.0.0" || (IPAddress.TryParse(host.Trim('[', ']'), out var ip) && ip.Equals(IPAddress.IPv6Any)))
        {
            host = "127.0.0.1";
        }
        return Uri.TryCreate($"{scheme}://{host}:{port}/", UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https" ? uri : null;
    }
}
