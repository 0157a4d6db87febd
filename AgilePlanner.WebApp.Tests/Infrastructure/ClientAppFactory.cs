using AgilePlanner.Api;
using AgilePlanner.AspNetCore;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace AgilePlanner.WebApp.Tests.Infrastructure;

/// <summary>
/// The web app configured for a remote provider (<see cref="ProviderDouble"/>), with the sandbox off:
/// every back-channel call goes to the double, and time is a <see cref="FakeTimeProvider"/>.
/// </summary>
public sealed class ClientAppFactory : AgilePlannerAppFactory
{
    public ClientAppFactory()
    {
        With("Sandbox:Enabled", "false");
        With("AgilePlanner:ClientId", "client-under-test");
        With("AgilePlanner:ClientSecret", ClientSecret);
        With("AgilePlanner:AuthorizationEndpoint", ProviderDouble.AuthorizationEndpoint);
        With("AgilePlanner:TokenEndpoint", ProviderDouble.TokenEndpoint);
        With("AgilePlanner:RevocationEndpoint", ProviderDouble.RevocationEndpoint);
        With("AgilePlanner:Issuer", ProviderDouble.Issuer);
        With("AgilePlanner:ApiBaseUrl", ProviderDouble.ApiBaseUrl);
    }

    public const string ClientSecret = "double-secret-0f3a9c";

    public ProviderDouble Provider { get; } = new();

    /// <summary>Starts at the machine's present only so that cookie expiry dates make sense to the cookie container.</summary>
    public FakeTimeProvider Time { get; } = new(DateTimeOffset.UtcNow);

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.ConfigureTestServices(services =>
        {
            services.AddSingleton<TimeProvider>(Time);
            services.AddHttpClient(AgilePlannerAuthenticationDefaults.BackchannelHttpClientName).ConfigurePrimaryHttpMessageHandler(() => new NonDisposingHandler(Provider));
            services.AddHttpClient(AgilePlannerAuthenticationDefaults.MetadataHttpClientName).ConfigurePrimaryHttpMessageHandler(() => new NonDisposingHandler(Provider));
            services.AddHttpClient(AgilePlannerApiClient.HttpClientName).ConfigurePrimaryHttpMessageHandler(() => new NonDisposingHandler(Provider));
        });
    }
}
