using AgilePlanner.Sandbox.Accounts;
using AgilePlanner.Sandbox.Authorization;
using AgilePlanner.Sandbox.Hosting;
using AgilePlanner.Sandbox.Seeding;
using AgilePlanner.Sandbox.Storage;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc.ApplicationParts;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using OpenIddict.EntityFrameworkCore.Models;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace AgilePlanner.Sandbox;

/// <summary>
/// Hosts the built-in Agile Planner (accounts, OAuth 2 server, API v1) inside the web app under /sandbox.
/// </summary>
public static class SandboxHostingExtensions
{
    /// <summary>Registers the sandbox's services when <c>Sandbox:Enabled</c> is true (the default).</summary>
    public static WebApplicationBuilder AddAgilePlannerSandbox(this WebApplicationBuilder builder, string dataDirectory)
    {
        if (!IsEnabled(builder.Configuration))
        {
            // The sandbox's controllers would otherwise still be found and routed.
            builder.Services.AddMvcCore().ConfigureApplicationPartManager(manager =>
                manager.ApplicationParts.Where(IsSandboxPart).ToList().ForEach(part => manager.ApplicationParts.Remove(part)));
            return builder;
        }

        var settings = SandboxOptions.From(builder.Configuration);
        var services = builder.Services;
        services.AddOptions<SandboxOptions>().BindConfiguration(SandboxOptions.SectionName);
        services.TryAddSingleton(TimeProvider.System);

        services.AddDbContext<SandboxDbContext>(options => options
            .UseSqlite($"Data Source={Path.Combine(dataDirectory, "sandbox.db")}")
            .UseOpenIddict());

        AddAccounts(services, settings);
        AddAuthorizationServer(services, settings, dataDirectory);

        services.AddScoped<Developers.DeveloperApps>();
        services.AddScoped<PendingConsents>();
        services.AddScoped<AuthenticationHandlerProvider>();
        services.Replace(ServiceDescriptor.Scoped<IAuthenticationHandlerProvider, SandboxAuthenticationHandlers>());
        services.AddSingleton<SandboxReadiness>();
        services.AddHostedService<SandboxSeeder>();
        // Registered before the rate limiter, so that it wraps it: a request held while the sandbox starts is not yet counted.
        services.AddSingleton<IStartupFilter, SandboxReadinessGate>();
        services.AddRateLimiter(_ => { });
        services.AddSingleton<IStartupFilter>(new SandboxRateLimiting(settings.RateLimits));
        return builder;
    }

    /// <summary>Maps the sandbox's pages and endpoints under /sandbox when it is enabled.</summary>
    public static WebApplication MapAgilePlannerSandbox(this WebApplication app)
    {
        if (IsEnabled(app.Configuration))
        {
            // Pages and API are attribute-routed controllers, mapped with the app's own MapControllers().
            app.MapSandboxAssets();
        }
        return app;
    }

    public static bool IsEnabled(IConfiguration configuration) =>
        configuration.GetValue("Sandbox:Enabled", defaultValue: true);

    private static void AddAccounts(IServiceCollection services, SandboxOptions settings)
    {
        // AddIdentityCore, not AddIdentity: the web app owns the default authentication schemes.
        services.AddIdentityCore<SandboxUser>(options =>
            {
                options.User.RequireUniqueEmail = true;
                options.Password.RequiredLength = 8;
                options.Password.RequireDigit = false;
                options.Password.RequireLowercase = false;
                options.Password.RequireUppercase = false;
                options.Password.RequireNonAlphanumeric = false;
                // No per-account lockout: anyone could keep a user out with it. SignInThrottle counts per address and email.
                options.Lockout.AllowedForNewUsers = false;
            })
            .AddEntityFrameworkStores<SandboxDbContext>()
            .AddSignInManager<SandboxSignInManager>();
        services.AddSingleton(sp => new SignInThrottle(settings.Lockout, sp.GetRequiredService<TimeProvider>()));

        services.AddAuthentication()
            .AddCookie(SandboxIdentity.Scheme, options =>
            {
                options.Cookie.Name = SandboxIdentity.CookieName;
                options.Cookie.Path = SandboxIssuer.BasePath;
                options.Cookie.HttpOnly = true;
                options.Cookie.SameSite = Microsoft.AspNetCore.Http.SameSiteMode.Lax;
                options.LoginPath = "/sandbox/signin";
                options.LogoutPath = "/sandbox/signout";
                options.AccessDeniedPath = "/sandbox/signin";
                options.ReturnUrlParameter = "returnUrl";
                options.ExpireTimeSpan = TimeSpan.FromHours(8);
                options.SlidingExpiration = true;
            });
    }

    private static void AddAuthorizationServer(IServiceCollection services, SandboxOptions settings, string dataDirectory)
    {
        services.AddOpenIddict()
            .AddCore(options =>
            {
                options.UseEntityFrameworkCore().UseDbContext<SandboxDbContext>();
                options.ReplaceApplicationManager<OpenIddictEntityFrameworkCoreApplication, SandboxApplicationManager>();
            })
            .AddServer(options =>
            {
                // Relative to the issuer {scheme}://{host}/sandbox/ (see SandboxIssuer).
                options.SetAuthorizationEndpointUris("oauth/authorize")
                    .SetPushedAuthorizationEndpointUris("oauth/par")
                    .SetTokenEndpointUris("oauth/token")
                    .SetRevocationEndpointUris("oauth/revoke")
                    .SetConfigurationEndpointUris(".well-known/oauth-authorization-server", ".well-known/openid-configuration")
                    .SetJsonWebKeySetEndpointUris(".well-known/jwks");
                if (settings.RequirePushedAuthorization)
                {
                    options.RequirePushedAuthorizationRequests();
                }

                options.AllowAuthorizationCodeFlow().AllowRefreshTokenFlow();
                if (settings.RequirePkce)
                {
                    options.RequireProofKeyForCodeExchange();
                }
                // RFC 9700 section 2.1.1: plain PKCE protects nothing once the request leaks.
                options.Configure(server => server.CodeChallengeMethods.Remove(CodeChallengeMethods.Plain));
                options.RegisterScopes([.. SandboxScopes.All]);

                // A pushed request (RFC 9126 section 2.2) lives as long as the consent page showing it may stay open.
                options.Configure(server => server.RequestTokenLifetime = PendingConsents.Lifetime);
                options.SetAuthorizationCodeLifetime(TimeSpan.FromMinutes(5))
                    .SetAccessTokenLifetime(settings.AccessTokenLifetime)
                    .SetRefreshTokenLifetime(settings.RefreshTokenLifetime)
                    // No grace period: a refresh token used twice revokes its whole family at once.
                    .SetRefreshTokenReuseLeeway(null);

                // Reference tokens: the client holds a short random handle, the payload stays in the database.
                options.UseReferenceAccessTokens().UseReferenceRefreshTokens();

                options.AddSigningKey(SigningKeys.LoadOrCreate(dataDirectory, "signing"))
                    .AddEncryptionKey(SigningKeys.LoadOrCreate(dataDirectory, "encryption"));

                options.AddEventHandler(SandboxIssuer.ServerHandler)
                    .AddEventHandler(RefreshTokensWithoutOfflineAccess.Descriptor)
                    .AddEventHandler(ConsentRequestRestoration.Descriptor)
                    .AddEventHandler(ScopeNotRegistered.Descriptor)
                    .AddEventHandler(PathInsertedMetadata.Descriptor)
                    .AddEventHandler(ClientAssertionReplay.Descriptor);

                options.UseAspNetCore()
                    .EnableAuthorizationEndpointPassthrough()
                    .EnableErrorPassthrough()
                    // The app runs over plain HTTP in its container, behind whatever terminates TLS.
                    .DisableTransportSecurityRequirement();
            })
            .AddValidation(options =>
            {
                options.UseLocalServer();
                // OAuth 2.1 / RFC 9700: an access token in a URL ends up in logs and Referer headers (RequireScope refuses it).
                options.UseAspNetCore().DisableAccessTokenExtractionFromQueryString();
                // Revoking an authorization (Connected apps) ends its access tokens at once.
                options.EnableAuthorizationEntryValidation();
                options.AddEventHandler(SandboxIssuer.ValidationHandler);
            });
    }

    private static bool IsSandboxPart(ApplicationPart part) =>
        part.Name == typeof(SandboxHostingExtensions).Assembly.GetName().Name;
}
