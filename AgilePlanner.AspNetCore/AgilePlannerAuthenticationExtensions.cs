using AgilePlanner.Api;
using AgilePlanner.Shared;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace AgilePlanner.AspNetCore;

/// <summary>Adds the Agile Planner provider to an app's authentication.</summary>
public static class AgilePlannerAuthenticationExtensions
{
    /// <summary>Adds the Agile Planner OAuth 2 provider under the <c>AgilePlanner</c> scheme, configured elsewhere (such as by <c>services.Configure</c>).</summary>
    /// <param name="builder">The authentication builder.</param>
    /// <returns>The same builder.</returns>
    public static AuthenticationBuilder AddAgilePlanner(this AuthenticationBuilder builder) =>
        builder.AddAgilePlanner(AgilePlannerAuthenticationDefaults.AuthenticationScheme, _ => { });

    /// <summary>Adds the Agile Planner OAuth 2 provider under the <c>AgilePlanner</c> scheme.</summary>
    /// <param name="builder">The authentication builder.</param>
    /// <param name="configure">Sets the client id and secret, the endpoints (or the issuer), the scopes.</param>
    /// <returns>The same builder.</returns>
    public static AuthenticationBuilder AddAgilePlanner(this AuthenticationBuilder builder, Action<AgilePlannerAuthenticationOptions> configure) =>
        builder.AddAgilePlanner(AgilePlannerAuthenticationDefaults.AuthenticationScheme, configure);

    /// <summary>Adds the Agile Planner OAuth 2 provider under <paramref name="scheme"/>.</summary>
    /// <param name="builder">The authentication builder.</param>
    /// <param name="scheme">The scheme's name.</param>
    /// <param name="configure">Sets the options.</param>
    /// <returns>The same builder.</returns>
    public static AuthenticationBuilder AddAgilePlanner(this AuthenticationBuilder builder, string scheme, Action<AgilePlannerAuthenticationOptions> configure) =>
        builder.AddAgilePlanner(scheme, AgilePlannerAuthenticationDefaults.DisplayName, configure);

    /// <summary>
    /// Adds the Agile Planner OAuth 2 provider under <paramref name="scheme"/>, and the signed-in user's tokens as the
    /// <see cref="IAgilePlannerTokenSource"/> of AgilePlanner.Api's client (<c>services.AddAgilePlannerApi</c>), whose base address,
    /// when not set, is the scheme's <see cref="AgilePlannerAuthenticationOptions.ApiBaseUrl"/>.
    /// </summary>
    /// <param name="builder">The authentication builder.</param>
    /// <param name="scheme">The scheme's name.</param>
    /// <param name="displayName">The scheme's display name.</param>
    /// <param name="configure">Sets the options.</param>
    /// <returns>The same builder.</returns>
    public static AuthenticationBuilder AddAgilePlanner(
        this AuthenticationBuilder builder, string scheme, string? displayName, Action<AgilePlannerAuthenticationOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var services = builder.Services;
        services.AddHttpContextAccessor();
        services.AddMemoryCache();
        // The remembered refresh answers: in memory unless the app registered a shared cache (Redis) before.
        services.AddDistributedMemoryCache();
        services.AddDataProtection();
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton(new AgilePlannerScheme(scheme));
        services.TryAddSingleton<AgilePlannerTokenClient>();
        services.TryAddSingleton<ProviderMetadataManager>();
        services.TryAddSingleton<ProviderResolver>();
        services.TryAddSingleton(provider => new AgilePlannerMetadataStatus(
            provider.GetRequiredService<ProviderMetadataManager>(), provider.GetRequiredService<IOptionsMonitor<AgilePlannerAuthenticationOptions>>()));
        services.TryAddSingleton<TokenRefresher>();
        services.TryAddSingleton(provider => new LocalServerAddress(provider.GetRequiredService<IServer>()));
        services.TryAddSingleton(provider => new AgilePlannerSession(
            provider.GetRequiredService<IHttpContextAccessor>(), provider.GetRequiredService<IOptionsMonitor<AgilePlannerAuthenticationOptions>>(),
            provider.GetRequiredService<AgilePlannerScheme>(), provider.GetRequiredService<TimeProvider>(), provider.GetRequiredService<ILogger<AgilePlannerSession>>()));
        services.TryAddScoped<IAgilePlannerTokenSource, SessionTokenSource>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IPostConfigureOptions<AgilePlannerAuthenticationOptions>, AgilePlannerPostConfigureOptions>());

        // The back channel: never a redirect (a token request that follows one could carry the secret elsewhere), never retried.
        services.AddHttpClient(AgilePlannerAuthenticationDefaults.BackchannelHttpClientName)
            .ConfigurePrimaryHttpMessageHandler(PrimaryHandlers.NoRedirects)
            .AddHttpMessageHandler(provider => CoHosted(provider, scheme));

        // The metadata's own client: the same care, and nothing of the token calls' handlers (the metadata carries no secret).
        services.AddHttpClient(ProviderMetadataManager.HttpClientName)
            .ConfigurePrimaryHttpMessageHandler(PrimaryHandlers.NoRedirects)
            .AddHttpMessageHandler(provider => CoHosted(provider, scheme));

        // The API client, when the app adds it: the scheme's API base, and the same care for a provider hosted in this app.
        services.AddHttpClient(AgilePlannerApiClient.HttpClientName)
            .ConfigureHttpClient((provider, client) =>
            {
                var apiBase = provider.GetRequiredService<IOptionsMonitor<AgilePlannerAuthenticationOptions>>().Get(scheme).ApiBaseUrl;
                if (client.BaseAddress is null && AgilePlannerEndpoints.ForBackchannel(apiBase, provider.GetRequiredService<LocalServerAddress>()) is { } address)
                {
                    client.BaseAddress = new Uri(address);
                }
            })
            .AddHttpMessageHandler(provider => CoHosted(provider, scheme));

        return builder.AddOAuth<AgilePlannerAuthenticationOptions, AgilePlannerAuthenticationHandler>(scheme, displayName ?? AgilePlannerAuthenticationDefaults.DisplayName, configure);
    }

    private static CoHostedProviderHandler CoHosted(IServiceProvider provider, string scheme) => new(
        provider.GetRequiredService<LocalServerAddress>(), provider.GetRequiredService<IHttpContextAccessor>(),
        provider.GetRequiredService<IOptionsMonitor<AgilePlannerAuthenticationOptions>>(), scheme);
}
