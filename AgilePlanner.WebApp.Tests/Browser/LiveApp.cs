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
    public LiveApp()
    {
        Port = LoopbackPorts.Free();
        // Both loopback addresses, so localhost and 127.0.0.1 reach the same process.
        UseKestrel(kestrel => kestrel.ListenLocalhost(Port, listen =>
        {
            if (Certificate is not null)
            {
                listen.UseHttps(Certificate);
            }
        }));
    }

    /// <summary>Serve HTTPS with this certificate instead of plain HTTP; set before <see cref="Start"/>.</summary>
    public X509Certificate2? Certificate { get; init; }

    public int Port { get; }

    /// <summary>Where the browser opens the web app: <c>http://localhost:PORT/</c>.</summary>
    public Uri AppUrl => new($"{Scheme}://localhost:{Port}/");

    /// <summary>The sandbox as the provider's site: <c>http://127.0.0.1:PORT/sandbox/</c>.</summary>
    public Uri ProviderUrl => new($"{Scheme}://127.0.0.1:{Port}/sandbox/");

    private string Scheme => Certificate is null ? Uri.UriSchemeHttp : Uri.UriSchemeHttps;

    /// <summary>Starts Kestrel; the app is reachable once this returns.</summary>
    public LiveApp Start()
    {
        StartServer();
        return this;
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        // Every provider endpoint on the other site, so the browser crosses sites as it would with the real service.
        With("AgilePlanner:AuthorizationEndpoint", new Uri(ProviderUrl, "oauth/authorize").ToString());
        With("AgilePlanner:TokenEndpoint", new Uri(ProviderUrl, "oauth/token").ToString());
        With("AgilePlanner:RevocationEndpoint", new Uri(ProviderUrl, "oauth/revoke").ToString());
        With("AgilePlanner:ApiBaseUrl", new Uri(ProviderUrl, "api/v1/").ToString());
        With("AgilePlanner:Issuer", ProviderUrl.ToString());
        if (Certificate is not null)
        {
            // Only plain-HTTP loopback callbacks match on any port (RFC 8252); an HTTPS one is registered exactly.
            With("Sandbox:Clients:0:RedirectUris:2", new Uri(AppUrl, "callback").ToString());
        }
        base.ConfigureWebHost(builder);
        // The sandbox's stylesheet ships in its Razor class library (_content/...); a published app copies it
        // to wwwroot, the test host serves it from the build's static web assets manifest, as dotnet run does.
        builder.UseStaticWebAssets();
    }

    ValueTask IAsyncLifetime.InitializeAsync()
    {
        Start();
        return ValueTask.CompletedTask;
    }
}
