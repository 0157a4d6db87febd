using System.Net;
using AgilePlanner.Api;
using AgilePlanner.AspNetCore;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc.Testing.Handlers;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;

namespace AgilePlanner.WebApp.Tests.Infrastructure;

/// <summary>
/// A third-party app as the packages' README describes it (a cookie scheme, <c>AddAgilePlanner</c>, <c>AddAgilePlannerApi</c>), in
/// memory, against a <see cref="ProviderDouble"/>: for tests of the packages' own behaviour, without the web app around them.
/// </summary>
public sealed class PackageHost : IAsyncDisposable
{
    private readonly WebApplication _app;

    private PackageHost(WebApplication app, ProviderDouble provider)
    {
        _app = app;
        Provider = provider;
    }

    public ProviderDouble Provider { get; }

    public IServiceProvider Services => _app.Services;

    /// <summary>Starts the app; <paramref name="configure"/> runs after the double's endpoints are set, so it can change any option.</summary>
    public static async Task<PackageHost> StartAsync(
        ProviderDouble provider, Action<AgilePlannerAuthenticationOptions>? configure = null, Action<IServiceCollection>? services = null)
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { EnvironmentName = "Testing" });
        builder.WebHost.UseTestServer();
        builder.Services.AddAuthentication(CookieAuthenticationDefaults.AuthenticationScheme)
            .AddCookie()
            .AddAgilePlanner(options =>
            {
                options.ClientId = "package-client";
                options.ClientSecret = "package-secret-7d1e";
                options.AuthorizationEndpoint = ProviderDouble.AuthorizationEndpoint;
                options.TokenEndpoint = ProviderDouble.TokenEndpoint;
                options.RevocationEndpoint = ProviderDouble.RevocationEndpoint;
                options.Issuer = ProviderDouble.Issuer;
                options.ApiBaseUrl = ProviderDouble.ApiBaseUrl;
                // The test's cookie container, unlike a browser on localhost, keeps no Secure cookie over http.
                options.CorrelationCookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
                configure?.Invoke(options);
            });
        builder.Services.AddAuthorization();
        builder.Services.AddAgilePlannerApi(_ => { });
        foreach (var name in new[] { AgilePlannerAuthenticationDefaults.BackchannelHttpClientName, AgilePlannerApiClient.HttpClientName })
        {
            builder.Services.AddHttpClient(name).ConfigurePrimaryHttpMessageHandler(() => new NonDisposingHandler(provider));
        }
        services?.Invoke(builder.Services);

        var app = builder.Build();
        app.UseAuthentication();
        app.UseAuthorization();
        app.MapGet("/signin", () => Results.Challenge(new AuthenticationProperties { RedirectUri = "/who" }, [AgilePlannerAuthenticationDefaults.AuthenticationScheme]));
        app.MapGet("/who", (HttpContext context) => string.Join('\n', context.User.Claims.Select(c => $"{c.Type}={c.Value}"))).RequireAuthorization();
        app.MapGet("/me", (AgilePlannerApiClient api, CancellationToken cancellationToken) => api.GetMeAsync(cancellationToken)).RequireAuthorization();
        app.MapGet("/denied", () => "denied page");
        await app.StartAsync(TestContext.Current.CancellationToken);
        return new PackageHost(app, provider);
    }

    /// <summary>A browser: keeps cookies, follows no redirect.</summary>
    public HttpClient CreateBrowser() =>
        new(new CookieContainerHandler { InnerHandler = _app.GetTestServer().CreateHandler() }) { BaseAddress = new Uri("http://localhost") };

    /// <summary>Starts a sign-in and returns the authorize URL the browser was sent to.</summary>
    public static async Task<Uri> StartSignInAsync(HttpClient browser)
    {
        var response = await browser.GetAsync("/signin", TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        return response.Headers.Location!;
    }

    /// <summary>The browser arriving at the callback with <paramref name="query"/>.</summary>
    public static Task<HttpResponseMessage> CallbackAsync(HttpClient browser, string query) =>
        browser.GetAsync(AgilePlannerAuthenticationDefaults.CallbackPath + "?" + query, TestContext.Current.CancellationToken);

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();
}
