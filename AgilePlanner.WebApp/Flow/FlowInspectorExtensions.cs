using Microsoft.AspNetCore.Authentication.OAuth;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace AgilePlanner.WebApp.Flow;

public static class FlowInspectorExtensions
{
    /// <summary>
    /// The flow inspector for one OAuth scheme: records its authorize redirect, its callback and every exchange of the
    /// named back-channel clients. Call after the scheme and the clients are registered, so its handler sits innermost
    /// and records what actually crosses the wire (after the bearer token is attached, each retry on its own).
    /// </summary>
    public static IServiceCollection AddFlowInspector<TOptions>(this IServiceCollection services, string scheme, params string[] httpClientNames)
        where TOptions : OAuthOptions
    {
        services.AddDistributedMemoryCache();
        services.AddHttpContextAccessor();
        services.TryAddSingleton(TimeProvider.System);
        services.AddOptions<FlowInspectorOptions>()
            .Configure<IOptionsMonitor<TOptions>>((options, oauth) => options.CallbackPath = oauth.Get(scheme).CallbackPath)
            .Validate(options => options.MaxSteps >= 5 && options.MaxBodyChars >= 256 && options.MaxValueChars >= 64, "FlowInspector limits are too small to show a flow.");
        // In the distributed cache unless a store was registered before (Redis, for several instances).
        services.TryAddSingleton<IFlowRecordStore, DistributedCacheFlowRecordStore>();
        services.TryAddSingleton<FlowRecorder>();
        services.TryAddTransient<FlowRecordingHandler>();
        services.TryAddSingleton<FlowEventTargets>();
        services.TryAddScoped<FlowRecordingOAuthEvents>();
        services.AddSingleton<IPostConfigureOptions<TOptions>>(provider =>
            new FlowRecordingOAuthEventsSetup<TOptions>(scheme, provider.GetRequiredService<FlowEventTargets>()));
        foreach (var name in httpClientNames)
        {
            services.AddHttpClient(name).AddHttpMessageHandler<FlowRecordingHandler>();
        }
        return services;
    }
}
