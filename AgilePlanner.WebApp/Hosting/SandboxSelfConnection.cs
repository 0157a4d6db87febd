using System.Net;
using System.Net.Sockets;
using AgilePlanner.Sandbox;
using AgilePlanner.WebApp.Configuration;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Options;

namespace AgilePlanner.WebApp.Hosting;

/// <summary>
/// With the built-in sandbox the provider is this very process, but the browser may know it under another port: a
/// container's port published as <c>-p 9000:8080</c> makes the app build <c>http://localhost:9000/sandbox/...</c>, which
/// nothing answers inside the container. When a back-channel connection to a loopback address is refused, it goes to
/// the port this server listens on instead (only while the endpoints are the sandbox's defaults). The URL and <c>Host</c>
/// stay as the browser saw them, so the sandbox's issuer and the redirect URI do not change.
/// </summary>
public sealed partial class SandboxSelfConnection(
    IServer server, IConfiguration configuration, IOptionsMonitor<AgilePlannerSettings> settings, ILogger<SandboxSelfConnection> logger)
{
    private int _logged;

    /// <summary>A <see cref="SocketsHttpHandler.ConnectCallback"/>.</summary>
    public async ValueTask<Stream> ConnectAsync(SocketsHttpConnectionContext context, CancellationToken cancellationToken)
    {
        var target = context.DnsEndPoint;
        try
        {
            return await ConnectToAsync(target, cancellationToken);
        }
        catch (SocketException refused) when (refused.SocketErrorCode == SocketError.ConnectionRefused
            && UsesTheBuiltInSandbox()
            && IsLoopback(target.Host)
            && ListeningPort(context.InitialRequestMessage.RequestUri?.Scheme) is { } port
            && port != target.Port)
        {
            if (Interlocked.Exchange(ref _logged, 1) == 0)
            {
                LogRedirected(logger, target.Port, port);
            }
            return await ConnectToAsync(new DnsEndPoint("localhost", port), cancellationToken);
        }
    }

    /// <summary>Only when the endpoints are the sandbox's defaults: a provider configured on a loopback port stays as it is.</summary>
    private bool UsesTheBuiltInSandbox()
    {
        var current = settings.CurrentValue;
        return SandboxHostingExtensions.IsEnabled(configuration)
            && string.IsNullOrWhiteSpace(current.TokenEndpoint)
            && string.IsNullOrWhiteSpace(current.RevocationEndpoint)
            && string.IsNullOrWhiteSpace(current.ApiBaseUrl);
    }

    private static async Task<Stream> ConnectToAsync(DnsEndPoint endpoint, CancellationToken cancellationToken)
    {
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(endpoint, cancellationToken);
            return new NetworkStream(socket, ownsSocket: true);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    private static bool IsLoopback(string host) =>
        host.Equals("localhost", StringComparison.OrdinalIgnoreCase) || (IPAddress.TryParse(host, out var address) && IPAddress.IsLoopback(address));

    /// <summary>The port of the first address this server listens on with the same scheme (<c>http://[::]:8080</c>, <c>http://+:8080</c>...).</summary>
    private int? ListeningPort(string? scheme)
    {
        foreach (var address in server.Features.Get<IServerAddressesFeature>()?.Addresses ?? [])
        {
            var prefix = scheme + "://";
            var colon = address.LastIndexOf(':');
            if (address.StartsWith(prefix, StringComparison.OrdinalIgnoreCase) && colon > prefix.Length
                && int.TryParse(address.AsSpan(colon + 1).TrimEnd('/'), out var port))
            {
                return port;
            }
        }
        return null;
    }

    [LoggerMessage(Level = LogLevel.Information,
        Message = "Port {PublicPort} is not reachable from inside (a published container port?); calls to the built-in sandbox go to port {ListeningPort}")]
    private static partial void LogRedirected(ILogger logger, int publicPort, int listeningPort);
}
