using AgilePlanner.Api;
using AgilePlanner.AspNetCore;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;

namespace AgilePlanner.WebApp.Tests.Infrastructure;

/// <summary>
/// The web app with its in-process sandbox, its back channel (token endpoint, API) routed to the in-memory server
/// and recorded as it crosses the wire.
/// </summary>
public sealed class SandboxAppFactory : AgilePlannerAppFactory
{
    /// <summary>Every back-channel exchange, with both bodies.</summary>
    public WireLog Wire { get; } = new();

    public IReadOnlyCollection<WireExchange> BackChannel => Wire.Exchanges;

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.ConfigureTestServices(services =>
        {
            foreach (var name in new[] { AgilePlannerAuthenticationDefaults.BackchannelHttpClientName, AgilePlannerAuthenticationDefaults.MetadataHttpClientName, AgilePlannerApiClient.HttpClientName })
            {
                services.AddHttpClient(name).ConfigurePrimaryHttpMessageHandler(() => Wire.Tap(Server.CreateHandler()));
            }
        });
    }
}
