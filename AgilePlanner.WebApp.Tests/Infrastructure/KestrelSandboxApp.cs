using System.Net;
using AgilePlanner.Api;
using AgilePlanner.AspNetCore;
using AgilePlanner.Sandbox;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;

namespace AgilePlanner.WebApp.Tests.Infrastructure;

/// <summary>
/// The app with its sandbox left at the defaults, on a real Kestrel port as <c>dotnet run</c> serves it; every back-channel
/// request is recorded (where it went, the Host it named, the answer) just before it leaves the app.
/// </summary>
public sealed class KestrelSandboxApp : AgilePlannerAppFactory
{
    public WireLog Wire { get; } = new();

    public KestrelSandboxApp()
    {
        UseKestrel(kestrel => kestrel.ListenLocalhost(ListeningPort));
    }

    public int ListeningPort { get; } = LoopbackPorts.Free();

    public IReadOnlyCollection<WireExchange> BackChannel => Wire.Exchanges;

    /// <summary>Starts Kestrel and waits until the sandbox has seeded its database (asking /readyz would log its checks as errors).</summary>
    public async Task StartReadyAsync()
    {
        StartServer();
        await Services.GetRequiredService<SandboxReadiness>().WhenReady.WaitAsync(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken);
    }

    /// <summary>A browser at <c>http://localhost:PORT/</c> with cookies; <see cref="HostHeader.Value"/> replaces its Host header while set.</summary>
    public HttpClient CreateKestrelBrowser(HostHeader host) => new(new HostHeaderHandler(host)
    {
        InnerHandler = new SocketsHttpHandler { AllowAutoRedirect = false, CookieContainer = new CookieContainer(), UseProxy = false },
    })
    {
        BaseAddress = new Uri($"http://localhost:{ListeningPort}/"),
    };

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.UseStaticWebAssets();
        builder.ConfigureTestServices(services =>
        {
            foreach (var name in new[] { AgilePlannerAuthenticationDefaults.BackchannelHttpClientName, AgilePlannerAuthenticationDefaults.MetadataHttpClientName, AgilePlannerApiClient.HttpClientName })
            {
                services.AddHttpClient(name).AddHttpMessageHandler(() => Wire.Tap());
            }
        });
    }

    private sealed class HostHeaderHandler(HostHeader host) : DelegatingHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            if (host.Value is { } value)
            {
                request.Headers.Host = value;
            }
            return base.SendAsync(request, cancellationToken);
        }
    }
}
