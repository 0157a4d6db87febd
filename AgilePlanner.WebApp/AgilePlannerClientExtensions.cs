using AgilePlanner.Api;
using AgilePlanner.AspNetCore;
using AgilePlanner.Sandbox;
using AgilePlanner.WebApp.Callback;
using AgilePlanner.WebApp.Configuration;
using AgilePlanner.WebApp.Security;
using AgilePlanner.WebApp.Session;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.ViewFeatures;
using Microsoft.Extensions.Options;
using Polly.Telemetry;

namespace AgilePlanner.WebApp;

/// <summary>
/// The app as the first consumer of AgilePlanner.AspNetCore and AgilePlanner.Api: its settings, its sign-in, its API client,
/// and the protections of its own forms. One concern a method.
/// </summary>
public static class AgilePlannerClientExtensions
{
    /// <summary>The <c>AgilePlanner</c> section, checked at start; with the sandbox on, its registration of this app fills the gaps.</summary>
    public static WebApplicationBuilder AddAgilePlannerSettings(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<AgilePlannerSettings>().BindConfiguration(AgilePlannerSettings.SectionName).ValidateOnStart();
        builder.Services.AddSingleton<IPostConfigureOptions<AgilePlannerSettings>, SandboxRegistrationDefaults>();
        builder.Services.AddSingleton<IValidateOptions<AgilePlannerSettings>, AgilePlannerSettingsValidator>();
        return builder;
    }

    /// <summary>
    /// Sign-in with Agile Planner: the session cookie (the tokens inside, encrypted) and the provider from the settings, whose
    /// refused callbacks each get their page.
    /// </summary>
    public static WebApplicationBuilder AddAgilePlannerSignIn(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddAuthentication(options =>
            {
                options.DefaultScheme = SessionCookie.Scheme;
                // A signed-in page without a session shows /connection/needed; only /connect sends the browser to the provider.
                options.DefaultChallengeScheme = SessionCookie.Scheme;
            })
            .AddCookie(SessionCookie.Scheme, SessionCookie.Configure)
            .AddAgilePlanner();
        services.AddOptions<AgilePlannerAuthenticationOptions>(AgilePlannerAuthenticationDefaults.AuthenticationScheme)
            .Configure<IOptions<AgilePlannerSettings>, IConfiguration>((options, settings, configuration) => FromSettings(options, settings.Value, configuration));
        services.AddSingleton<SessionCookieEvents>();
        services.AddScoped<CallbackEvents>();
        return builder;
    }

    /// <summary>
    /// AgilePlanner.Api's client, with the signed-in user's tokens and the opt-in response cache for <c>AgilePlanner:ApiCacheDuration</c>.
    /// Its base address is the provider's <c>ApiBaseUrl</c> (AgilePlanner.AspNetCore fills it in).
    /// </summary>
    public static WebApplicationBuilder AddAgilePlannerApiClient(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddAgilePlannerApi(_ => { })
            .AddAgilePlannerResponseCache();
        services.AddOptions<AgilePlannerResponseCacheOptions>()
            .Configure<IOptions<AgilePlannerSettings>>((options, settings) => options.MaxAge = settings.Value.ApiCacheDuration);

        // An expected outage is not a crash (Polly's Error events carry stacks): the API client logs each failed page once.
        services.Configure<TelemetryOptions>(options => options.SeverityProvider = args => args.Event.EventName switch
        {
            "OnCircuitOpened" => ResilienceEventSeverity.Warning,
            _ => args.Event.Severity > ResilienceEventSeverity.Information ? ResilienceEventSeverity.Information : args.Event.Severity,
        });
        return builder;
    }

    /// <summary>The app's own forms: antiforgery and notice cookies, each refused form or API failure given its page, and HSTS.</summary>
    public static WebApplicationBuilder AddFormProtection(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
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
            context => !context.Request.Path.StartsWithSegments(SandboxRoutes.Base, StringComparison.OrdinalIgnoreCase),
            branch => branch.UseStatusCodePagesWithReExecute("/error/{0}"));
        return app;
    }

    private static void FromSettings(AgilePlannerAuthenticationOptions options, AgilePlannerSettings settings, IConfiguration configuration)
    {
        options.ClientId = settings.ClientId ?? string.Empty;
        options.ClientSecret = settings.ClientSecret ?? string.Empty;
        options.AuthorizationEndpoint = settings.AuthorizationEndpoint ?? string.Empty;
        options.TokenEndpoint = settings.TokenEndpoint ?? string.Empty;
        options.RevocationEndpoint = settings.RevocationEndpoint;
        options.Issuer = settings.Issuer;
        options.ApiBaseUrl = settings.ApiBaseUrl;
        options.PushedAuthorization = settings.PushedAuthorizationMode ?? AgilePlannerPushedAuthorization.IfAvailable;
        options.ClientAuthentication = settings.ClientAuthenticationMode ?? AgilePlannerClientAuthentication.ClientSecretPost;
        options.ClientKeyFile = settings.ClientKeyFile;
        // An issuer of its own is a provider found by its metadata: nothing of the sandbox is assumed then.
        if (SandboxHostingExtensions.IsEnabled(configuration) && string.IsNullOrWhiteSpace(settings.Issuer))
        {
            UseSandboxForWhatIsUnset(options);
        }

        options.CallbackPath = settings.CallbackPath;
        options.UsePkce = settings.UsePkce;
        options.SignInScheme = SessionCookie.Scheme;
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

    /// <summary>
    /// With the sandbox on, an endpoint left unset is the sandbox's, as a path on this app's own address; any endpoint that is set wins.
    /// The sandbox's issuer is only assumed with its authorize endpoint, its revocation endpoint only with its token endpoint.
    /// </summary>
    private static void UseSandboxForWhatIsUnset(AgilePlannerAuthenticationOptions options)
    {
        if (string.IsNullOrWhiteSpace(options.AuthorizationEndpoint))
        {
            options.AuthorizationEndpoint = SandboxRoutes.Authorization;
            if (string.IsNullOrWhiteSpace(options.Issuer))
            {
                options.Issuer = SandboxRoutes.Issuer;
            }
        }
        if (string.IsNullOrWhiteSpace(options.TokenEndpoint))
        {
            options.TokenEndpoint = SandboxRoutes.Token;
            if (string.IsNullOrWhiteSpace(options.RevocationEndpoint))
            {
                options.RevocationEndpoint = SandboxRoutes.Revocation;
            }
        }
        if (string.IsNullOrWhiteSpace(options.ApiBaseUrl))
        {
            options.ApiBaseUrl = SandboxRoutes.ApiBase;
        }
    }
}
