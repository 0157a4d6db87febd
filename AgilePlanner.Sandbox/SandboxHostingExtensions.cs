using AgilePlanner.Sandbox.Accounts;
using AgilePlanner.Sandbox.Authorization;
using AgilePlanner.Sandbox.Hosting;
using AgilePlanner.Sandbox.Seeding;
using AgilePlanner.Sandbox.Storage.PostgreSql;
using AgilePlanner.Sandbox.Storage.Sqlite;
using AgilePlanner.Sandbox.Storage;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc.ApplicationParts;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using OpenIddict.EntityFrameworkCore.Models;
using OpenIddict.Server;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace AgilePlanner.Sandbox;

/// <summary>
/// Hosts the built-in Agile Planner (accounts, OAuth 2 server, API v1) under /sandbox: <see cref="AddAgilePlannerSandbox{TBuilder}"/>
/// with the services, <see cref="UseAgilePlannerSandbox"/> with its middleware, <see cref="MapAgilePlannerSandbox"/> with its endpoints.
/// </summary>
public static class SandboxHostingExtensions
{
    /// <summary>
    /// Registers the sandbox's services when <c>Sandbox:Enabled</c> is true (the default), from the <c>Sandbox</c> section:
    /// its database (<c>Sandbox:Database</c>: SQLite in the <c>DataDirectory</c>, or PostgreSQL at <c>ConnectionStrings:Sandbox</c>),
    /// its registered clients, token lifetimes and limits. Its pages and API are the host's controllers: the host calls
    /// <c>AddControllersWithViews()</c> and <c>MapControllers()</c>.
    /// </summary>
    /// <param name="builder">The host's builder.</param>
    /// <returns>The same builder.</returns>
    public static TBuilder AddAgilePlannerSandbox<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        ArgumentNullException.ThrowIfNull(builder);
        var services = builder.Services;
        if (!IsEnabled(builder.Configuration))
        {
            // The sandbox's controllers would otherwise still be found and routed.
            services.AddMvcCore().ConfigureApplicationPartManager(manager =>
                manager.ApplicationParts.Where(IsSandboxPart).ToList().ForEach(part => manager.ApplicationParts.Remove(part)));
            return builder;
        }

        var settings = SandboxOptions.From(builder.Configuration);
        services.AddOptions<SandboxOptions>().BindConfiguration(SandboxOptions.SectionName);
        services.TryAddSingleton(TimeProvider.System);
        services.AddMvcCore().ConfigureApplicationPartManager(manager => manager.FeatureProviders.Add(new SandboxControllers()));

        var keys = AddDatabase(builder, settings);
        AddAccounts(services, settings);
        AddAuthorizationServer(services, settings, keys);

        services.AddScoped<Developers.DeveloperApps>();
        services.AddScoped<PendingConsents>();
        services.AddScoped<AuthenticationHandlerProvider>();
        services.Replace(ServiceDescriptor.Scoped<IAuthenticationHandlerProvider, SandboxAuthenticationHandlers>());
        services.AddSingleton<SandboxReadiness>();
        services.AddHostedService<SandboxSeeder>();
        services.AddRateLimiter(_ => { });
        services.AddSingleton(new SandboxRateLimiting(settings.RateLimits));
        return builder;
    }

    /// <summary>
    /// The sandbox's middleware, for requests under /sandbox only: it holds them until its database is ready, answers 503
    /// (a page, or a JSON error for the API and the OAuth endpoints) while the database is unreachable, and applies its
    /// rate limits. Call it before <c>UseAuthentication()</c>: the token endpoint is answered by OpenIddict inside authentication.
    /// </summary>
    /// <param name="app">The host's pipeline.</param>
    /// <returns>The same pipeline.</returns>
    public static IApplicationBuilder UseAgilePlannerSandbox(this IApplicationBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);
        if (IsEnabled(app.ApplicationServices.GetRequiredService<IConfiguration>()))
        {
            // A branch for /sandbox alone: the app's own pages pay one path comparison, not three middlewares.
            app.UseWhen(
                context => context.Request.Path.StartsWithSegments(Authorization.SandboxIssuer.BasePath, StringComparison.OrdinalIgnoreCase),
                sandbox =>
                {
                    sandbox.UseMiddleware<DatabaseOutage>();
                    // Before the rate limiter: a request held while the sandbox starts is not yet counted.
                    sandbox.UseMiddleware<SandboxReadinessGate>();
                    sandbox.UseRateLimiter(app.ApplicationServices.GetRequiredService<SandboxRateLimiting>().Options());
                });
        }
        return app;
    }

    /// <summary>Maps the sandbox's own endpoints (its stylesheet and script) under /sandbox when it is enabled.</summary>
    /// <param name="endpoints">The host's endpoints.</param>
    /// <returns>The same endpoints.</returns>
    public static IEndpointRouteBuilder MapAgilePlannerSandbox(this IEndpointRouteBuilder endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        if (IsEnabled(endpoints.ServiceProvider.GetRequiredService<IConfiguration>()))
        {
            // Pages and API are attribute-routed controllers, mapped with the host's own MapControllers().
            endpoints.MapSandboxAssets();
        }
        return endpoints;
    }

    /// <summary>Whether <c>Sandbox:Enabled</c> is true (the default).</summary>
    /// <param name="configuration">The host's configuration.</param>
    /// <returns>True unless <c>Sandbox:Enabled</c> is false.</returns>
    public static bool IsEnabled(IConfiguration configuration) =>
        configuration.GetValue("Sandbox:Enabled", defaultValue: true);

    /// <summary>The database of <c>Sandbox:Database</c>, and the server keys that go with it.</summary>
    private static ServerKeySource AddDatabase(IHostApplicationBuilder builder, SandboxOptions settings)
    {
        var services = builder.Services;
        if (settings.Database == SandboxDatabase.PostgreSQL)
        {
            var connectionString = builder.Configuration.GetConnectionString(SandboxOptions.ConnectionStringName);
            if (string.IsNullOrWhiteSpace(connectionString))
            {
                throw new InvalidOperationException(
                    "Sandbox:Database is PostgreSQL, but ConnectionStrings:Sandbox is not set. Set it (ConnectionStrings__Sandbox) to an Npgsql connection string.");
            }
            var withDefaults = PostgreSqlConnectionString.WithDefaults(connectionString);
            services.AddDbContext<SandboxDbContext, PostgreSqlSandboxDbContext>(options => options
                .UseNpgsql(withDefaults)
                .UseOpenIddict());
            services.AddSingleton<SharedServerKeys>();
            return ServerKeySource.Database;
        }

        var dataDirectory = SandboxDataDirectory.Resolve(builder);
        services.AddDbContext<SandboxDbContext, SqliteSandboxDbContext>(options => options
            .UseSqlite($"Data Source={Path.Combine(dataDirectory, "sandbox.db")}")
            .UseOpenIddict());
        return new ServerKeySource(dataDirectory);
    }

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

    private static void AddAuthorizationServer(IServiceCollection services, SandboxOptions settings, ServerKeySource keys)
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

                if (keys.DataDirectory is { } dataDirectory)
                {
                    options.AddSigningKey(SigningKeys.LoadOrCreate(dataDirectory, SharedServerKeys.Signing))
                        .AddEncryptionKey(SigningKeys.LoadOrCreate(dataDirectory, SharedServerKeys.Encryption));
                }
                else
                {
                    // Read from the database by the seeder, before the sandbox is ready.
                    services.AddSingleton<IConfigureOptions<OpenIddictServerOptions>>(provider => provider.GetRequiredService<SharedServerKeys>());
                }

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
