using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using AgilePlanner.WebApp.Tests.Infrastructure;
using Microsoft.AspNetCore.Hosting;

namespace AgilePlanner.WebApp.Tests.Browser;

/// <summary>
/// The web app with its sandbox on a real Kestrel port, reached by the browser as two sites, as in real life:
/// the app at <c>localhost:PORT</c> and the provider (the sandbox) at <c>127.0.0.1:PORT</c>.
/// </summary>
public sealed class LiveApp : AgilePlannerAppFactory, IAsyncLifetime
{
    private readonly X509Certificate2? _certificate;

    public LiveApp()
        : this(null)
    {
    }

    /// <param name="certificate">Serve HTTPS with this certificate instead of plain HTTP.</param>
    public LiveApp(X509Certificate2? certificate)
    {
        _certificate = certificate;
        Port = FreeLoopbackPort();
        var scheme = certificate is null ? "http" : "https";
        AppUrl = new Uri($"{scheme}://localhost:{Port}/");
        ProviderUrl = new Uri($"{scheme}://127.0.0.1:{Port}/sandbox/");

        With("AgilePlanner:AuthorizationEndpoint", new Uri(ProviderUrl, "oauth/authorize").ToString());
        With("AgilePlanner:TokenEndpoint", new Uri(ProviderUrl, "oauth/token").ToString());
        With("AgilePlanner:RevocationEndpoint", new Uri(ProviderUrl, "oauth/revoke").ToString());
        With("AgilePlanner:ApiBaseUrl", new Uri(ProviderUrl, "api/v1/").ToString());
        With("AgilePlanner:Issuer", ProviderUrl.ToString());

        // Both loopback addresses, so localhost and 127.0.0.1 reach the same process.
        UseKestrel(kestrel => kestrel.ListenLocalhost(Port, listen =>
        {
            if (_certificate is not null)
            {
                listen.UseHttps(_certificate);
            }
        }));
    }

    public int Port { get; }

    /// <summary>Where the browser opens the web app: <c>http://localhost:PORT/</c>.</summary>
    public Uri AppUrl { get; }

    /// <summary>The sandbox as the provider's site: <c>http://127.0.0.1:PORT/sandbox/</c>.</summary>
    public Uri ProviderUrl { get; }

    /// <summary>Starts Kestrel; the app is reachable once this returns.</summary>
    public LiveApp Start()
    {
        StartServer();
        return this;
    }

    ValueTask IAsyncLifetime.InitializeAsync()
    {
        Start();
        return ValueTask.CompletedTask;
    }

    private static int FreeLoopbackPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
