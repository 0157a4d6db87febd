using AgilePlanner.Shared;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Http.Resilience;
using Microsoft.Extensions.Options;
using Polly;

namespace AgilePlanner.Api;

/// <summary>Registers <see cref="AgilePlannerApiClient"/>.</summary>
public static class AgilePlannerApiServiceCollectionExtensions
{
    /// <summary>
    /// Registers the typed <see cref="AgilePlannerApiClient"/>: the bearer token from the registered <see cref="IAgilePlannerTokenSource"/>,
    /// then a resilience pipeline (GETs retried with jittered back-off honouring <c>Retry-After</c>, POSTs never; a circuit breaker
    /// that only the provider's own failures open; a timeout per attempt and in all). No redirect is followed.
    /// </summary>
    /// <param name="services">The services.</param>
    /// <param name="configure">Sets <see cref="AgilePlannerApiOptions.BaseAddress"/> and the other options.</param>
    /// <returns>The client's builder, for more handlers (<see cref="AddAgilePlannerResponseCache"/>) or another primary handler.</returns>
    public static IHttpClientBuilder AddAgilePlannerApi(this IServiceCollection services, Action<AgilePlannerApiOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configure);
        services.AddOptions<AgilePlannerApiOptions>().Configure(configure);
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddTransient<BearerTokenHandler>();

        var builder = services.AddHttpClient<AgilePlannerApiClient>(AgilePlannerApiClient.HttpClientName)
            .ConfigureHttpClient((provider, client) =>
            {
                if (provider.GetRequiredService<IOptionsMonitor<AgilePlannerApiOptions>>().CurrentValue.BaseAddress is { } baseAddress)
                {
                    client.BaseAddress = WithFinalSlash(baseAddress);
                }
            })
            .ConfigurePrimaryHttpMessageHandler(PrimaryHandlers.NoRedirects)
            .AddHttpMessageHandler<BearerTokenHandler>();

        // Built here rather than with AddStandardResilienceHandler so that it runs on the app's TimeProvider, and so that a
        // circuit shared by every user only opens for the provider's own failures (IsProviderFailure).
        builder.AddResilienceHandler("agileplanner-api", (pipeline, context) =>
        {
            var options = context.ServiceProvider.GetRequiredService<IOptionsMonitor<AgilePlannerApiOptions>>().CurrentValue;
            pipeline.TimeProvider = context.ServiceProvider.GetRequiredService<TimeProvider>();
            pipeline.AddTimeout(options.TotalTimeout);
            var retry = new HttpRetryStrategyOptions { MaxRetryAttempts = 3, Delay = TimeSpan.FromSeconds(1), UseJitter = true, BackoffType = DelayBackoffType.Exponential, ShouldRetryAfterHeader = true };
            retry.DisableForUnsafeHttpMethods();
            pipeline.AddRetry(retry);
            pipeline.AddCircuitBreaker(new HttpCircuitBreakerStrategyOptions
            {
                MinimumThroughput = 10,
                FailureRatio = 0.5,
                BreakDuration = TimeSpan.FromSeconds(15),
                ShouldHandle = args => ValueTask.FromResult(IsProviderFailure(args.Outcome)),
                OnOpened = _ =>
                {
                    AgilePlannerApiTelemetry.CircuitOpenings.Add(1);
                    return ValueTask.CompletedTask;
                },
            });
            pipeline.AddTimeout(options.AttemptTimeout);
        });
        return builder;
    }

    /// <summary>
    /// Opts in to <see cref="AgilePlannerResponseCache"/>: the account, a project and its iterations are answered from a private
    /// per-token cache while fresh, and revalidated by ETag after. The cache keeps its answers in process and in the registered
    /// <see cref="Microsoft.Extensions.Caching.Distributed.IDistributedCache"/> (one in memory is added when there is none). Placed right after the bearer token, before the resilience
    /// pipeline, so a fresh answer costs no call at all.
    /// </summary>
    /// <param name="builder">The builder <see cref="AddAgilePlannerApi"/> returned.</param>
    /// <param name="configure">Sets the cache's limits.</param>
    /// <returns>The same builder.</returns>
    public static IHttpClientBuilder AddAgilePlannerResponseCache(this IHttpClientBuilder builder, Action<AgilePlannerResponseCacheOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var options = builder.Services.AddOptions<AgilePlannerResponseCacheOptions>();
        if (configure is not null)
        {
            options.Configure(configure);
        }
        // Kept in process unless the app registered a distributed cache (Redis, for several instances), which is then used.
        builder.Services.AddDistributedMemoryCache();
        builder.Services.TryAddSingleton<AgilePlannerResponseCache>();
        builder.ConfigureAdditionalHttpMessageHandlers((handlers, provider) =>
        {
            var bearer = handlers.Select((handler, index) => (handler, index)).FirstOrDefault(h => h.handler is BearerTokenHandler);
            var cache = new ResponseCacheHandler(provider.GetRequiredService<AgilePlannerResponseCache>());
            handlers.Insert(bearer.handler is null ? 0 : bearer.index + 1, cache);
        });
        return builder;
    }

    /// <summary>
    /// What counts against the provider's health, for every user at once: a 5xx, a timeout, a connection that failed. A 4xx or a 429
    /// is an answer about one request or one token (a user spending their own rate allowance), so it never opens the circuit.
    /// </summary>
    internal static bool IsProviderFailure(Outcome<HttpResponseMessage> outcome) => outcome switch
    {
        { Exception: HttpRequestException or Polly.Timeout.TimeoutRejectedException } => true,
        { Result: { } response } => (int)response.StatusCode >= 500,
        _ => false,
    };

    private static Uri WithFinalSlash(Uri address) =>
        !address.IsAbsoluteUri || address.AbsolutePath.EndsWith('/') ? address : new Uri(address.AbsoluteUri + "/");
}
