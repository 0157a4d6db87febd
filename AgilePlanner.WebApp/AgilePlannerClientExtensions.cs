using AgilePlanner.Sandbox;
using AgilePlanner.WebApp.Api;
using AgilePlanner.WebApp.Authentication;
using AgilePlanner.WebApp.Callback;
using AgilePlanner.WebApp.Configuration;
using AgilePlanner.WebApp.Hosting;
using AgilePlanner.WebApp.Security;
using AgilePlanner.WebApp.Session;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.ViewFeatures;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Http.Resilience;
using Microsoft.Extensions.Options;
using Polly;
using Polly.Telemetry;

namespace AgilePlanner.WebApp;

/// <summary>Wires the OAuth 2 client: settings, the provider, the session cookie, the back channel and the API client.</summary>
public static class AgilePlannerClientExtensions
{
    public static WebApplicationBuilder AddAgilePlannerClient(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddOptions<AgilePlannerSettings>().BindConfiguration(AgilePlannerSettings.SectionName).ValidateOnStart();
        services.AddSingleton<IPostConfigureOptions<AgilePlannerSettings>, SandboxRegistrationDefaults>();
        services.AddSingleton<IValidateOptions<AgilePlannerSettings>, AgilePlannerSettingsValidator>();
        services.TryAddSingleton(TimeProvider.System);
        services.AddHttpContextAccessor();
        services.AddMemoryCache();

        services.AddAuthentication(options =>
            {
                options.DefaultScheme = AgilePlannerAuthenticationDefaults.SessionScheme;
                // A signed-in page without a session shows /connection/needed; only /connect sends the browser to the provider.
                options.DefaultChallengeScheme = AgilePlannerAuthenticationDefaults.SessionScheme;
            })
            .AddCookie(AgilePlannerAuthenticationDefaults.SessionScheme, SessionCookie.Configure)
            .AddAgilePlanner(_ => { });
        services.AddOptions<AgilePlannerAuthenticationOptions>(AgilePlannerAuthenticationDefaults.AuthenticationScheme)
            .Configure<IOptions<AgilePlannerSettings>, IConfiguration>((options, settings, configuration) => FromSettings(options, settings.Value, configuration));
        services.AddSingleton<SessionCookieEvents>();
        services.AddScoped<CallbackEvents>();
        services.AddSingleton<SessionStore>();
        services.AddSingleton<TokenRefresher>();

        // The token endpoint: a retried code exchange would be a second redemption, so no retry and no redirect;
        // the 10 s timeout is applied per call by AgilePlannerTokenClient.
        services.AddSingleton<SandboxBackChannel>();
        services.AddTransient<SandboxBackChannelHandler>();
        services.AddHttpClient(AgilePlannerHttpClients.TokenEndpoint, client => client.Timeout = 2 * AgilePlannerAuthenticationDefaults.BackchannelTimeout)
            .ConfigurePrimaryHttpMessageHandler(BackChannelHandler)
            .AddHttpMessageHandler<SandboxBackChannelHandler>();

        // The API: idempotent GETs retried with jittered back-off honouring Retry-After, a circuit breaker, 10 s in all
        // (the standard pipeline's strategies, built here so that they run on the app's TimeProvider).
        // One pipeline, hence one circuit, for the whole app: only failures of the provider itself count (IsProviderFailure).
        services.AddTransient<BearerTokenHandler>();
        services.AddSingleton<ApiResponseCache>();
        services.AddTransient<ApiResponseCacheHandler>();
        var api = services.AddHttpClient<AgilePlannerApiClient>(AgilePlannerHttpClients.Api)
            .ConfigurePrimaryHttpMessageHandler(BackChannelHandler)
            .AddHttpMessageHandler<BearerTokenHandler>()
            .AddHttpMessageHandler<ApiResponseCacheHandler>();
        api.AddResilienceHandler("api", (pipeline, context) =>
            {
                pipeline.TimeProvider = context.ServiceProvider.GetRequiredService<TimeProvider>();
                pipeline.AddTimeout(TimeSpan.FromSeconds(10));
                var retry = new HttpRetryStrategyOptions { MaxRetryAttempts = 3, Delay = TimeSpan.FromSeconds(1), UseJitter = true, BackoffType = DelayBackoffType.Exponential, ShouldRetryAfterHeader = true };
                retry.DisableForUnsafeHttpMethods();
                pipeline.AddRetry(retry);
                pipeline.AddCircuitBreaker(new HttpCircuitBreakerStrategyOptions
                {
                    MinimumThroughput = 10,
                    FailureRatio = 0.5,
                    BreakDuration = TimeSpan.FromSeconds(15),
                    ShouldHandle = args => ValueTask.FromResult(IsProviderFailure(args.Outcome)),
                });
                pipeline.AddTimeout(TimeSpan.FromSeconds(4));
            });
        api.AddHttpMessageHandler<SandboxBackChannelHandler>();

        // An expected outage is not a crash (Polly's Error events carry stacks): the API client logs each failed page once.
        services.Configure<TelemetryOptions>(options => options.SeverityProvider = args => args.Event.EventName switch
        {
            "OnCircuitOpened" => ResilienceEventSeverity.Warning,
            _ => args.Event.Severity > ResilienceEventSeverity.Information ? ResilienceEventSeverity.Information : args.Event.Severity,
        });

        services.Configure<MvcOptions>(options => options.Conventions.Add(new AppControllersConvention()));
        services.AddAntiforgery(options =>
        {
            options.Cookie.Name = "AgilePlanner.Antiforgery";
            // Lax, not Strict: the sandbox's sign-in page is reached by a cross-site navigation, and a Strict cookie
            // would be missing there, so each tab would mint a new one and void the forms already open in other tabs.
            options.Cookie.SameSite = SameSiteMode.Lax;
            options.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
        });
        services.AddAntiforgeryRefusalLogging();
        services.Configure<CookieTempDataProviderOptions>(options =>
        {
            options.Cookie.Name = Shared.Notices.CookieName;
            options.Cookie.SameSite = SameSiteMode.Lax;
            options.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
        });
        services.AddHsts(options =>
        {
            options.MaxAge = TimeSpan.FromDays(365);
            options.IncludeSubDomains = false;
        });
        return builder;
    }

    /// <summary>Friendly error pages and security headers on every page of the app.</summary>
    public static WebApplication UseAgilePlannerPages(this WebApplication app)
    {
        app.UseMiddleware<SecurityHeadersMiddleware>();
        if (!app.Environment.IsDevelopment())
        {
            app.UseExceptionHandler("/error");
            app.UseHsts();
        }
        // The sandbox's API answers bare 401s and 404s that must stay as they are.
        app.UseWhen(
            context => !context.Request.Path.StartsWithSegments("/sandbox", StringComparison.OrdinalIgnoreCase),
            branch => branch.UseStatusCodePagesWithReExecute("/error/{0}"));
        return app;
    }

    /// <summary>
    /// What counts against the provider's health, for every user at once: a 5xx, a timeout, a connection that failed. A 4xx or a 429
    /// is an answer about one request or one token (a user spending their own rate allowance), so it never opens the circuit.
    /// </summary>
    private static bool IsProviderFailure(Outcome<HttpResponseMessage> outcome) => outcome switch
    {
        { Exception: HttpRequestException or Polly.Timeout.TimeoutRejectedException } => true,
        { Result: { } response } => (int)response.StatusCode >= 500,
        _ => false,
    };

    private static SocketsHttpHandler BackChannelHandler() => new()
    {
        AllowAutoRedirect = false,
        PooledConnectionLifetime = TimeSpan.FromMinutes(5),
    };

    private static void FromSettings(AgilePlannerAuthenticationOptions options, AgilePlannerSettings settings, IConfiguration configuration)
    {
        options.ClientId = settings.ClientId ?? string.Empty;
        options.ClientSecret = settings.ClientSecret ?? string.Empty;
        options.AuthorizationEndpoint = settings.AuthorizationEndpoint ?? string.Empty;
        options.TokenEndpoint = settings.TokenEndpoint ?? string.Empty;
        options.RevocationEndpoint = settings.RevocationEndpoint;
        options.Issuer = settings.Issuer;
        options.ApiBaseUrl = settings.ApiBaseUrl;
        options.CallbackPath = settings.CallbackPath;
        options.UsePkce = settings.UsePkce;
        options.UseSandboxDefaults = SandboxHostingExtensions.IsEnabled(configuration);
        options.Scope.Clear();
        foreach (var scope in settings.ScopeList)
        {
            options.Scope.Add(scope);
        }

        // Lax, not None: the callback is a top-level GET navigation, which carries Lax cookies; Secure follows the request.
        options.CorrelationCookie.SameSite = SameSiteMode.Lax;
        options.CorrelationCookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
        options.EventsType = typeof(CallbackEvents);
    }
}
