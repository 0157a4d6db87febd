extern alias MinimalSample;

using System.Net;
using System.Text.Json;
using AgilePlanner.Api;
using AgilePlanner.AspNetCore;
using AgilePlanner.WebApp.Tests.Infrastructure;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;

namespace AgilePlanner.WebApp.Tests.Samples;

/// <summary>
/// samples/Minimal, the smallest app on the packages, against the sandbox: sign in, read <c>/me</c> and the projects, sign out
/// (which revokes). The sample runs in memory; its back channel goes to the sandbox's in-memory server, as to a remote provider.
/// </summary>
public sealed class MinimalSampleTests : IAsyncLifetime
{
    private const string RedirectUri = "http://localhost/signin-agileplanner";

    private readonly AgilePlannerAppFactory _sandbox = new();
    private readonly SandboxClient _registration;
    private readonly WireLog _wire = new();
    private WebApplicationFactory<MinimalSample::Program>? _sample;

    public MinimalSampleTests()
    {
        _registration = SandboxClient.RegisterOther(_sandbox, "minimal-sample", RedirectUri);
    }

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    public ValueTask InitializeAsync()
    {
        _sample = new WebApplicationFactory<MinimalSample::Program>().WithWebHostBuilder(builder =>
        {
            builder.UseSetting("AgilePlanner:ClientId", _registration.ClientId);
            builder.UseSetting("AgilePlanner:ClientSecret", _registration.ClientSecret);
            builder.UseSetting("AgilePlanner:AuthorizationEndpoint", "http://localhost/sandbox/oauth/authorize");
            builder.UseSetting("AgilePlanner:TokenEndpoint", "http://localhost/sandbox/oauth/token");
            builder.UseSetting("AgilePlanner:RevocationEndpoint", "http://localhost/sandbox/oauth/revoke");
            builder.UseSetting("AgilePlanner:Issuer", "http://localhost/sandbox/");
            builder.UseSetting("AgilePlanner:ApiBaseUrl", "http://localhost/sandbox/api/v1/");
            builder.ConfigureTestServices(services =>
            {
                // The test's cookie container, unlike a browser on localhost, keeps no Secure cookie over http.
                services.PostConfigure<AgilePlannerAuthenticationOptions>(
                    AgilePlannerAuthenticationDefaults.AuthenticationScheme, options => options.CorrelationCookie.SecurePolicy = CookieSecurePolicy.SameAsRequest);
                foreach (var name in new[] { AgilePlannerAuthenticationDefaults.BackchannelHttpClientName, AgilePlannerApiClient.HttpClientName })
                {
                    services.AddHttpClient(name).ConfigurePrimaryHttpMessageHandler(() => _wire.Tap(_sandbox.Server.CreateHandler()));
                }
            });
        });
        return ValueTask.CompletedTask;
    }

    [Fact]
    public async Task Signs_in_at_the_sandbox_reads_me_and_every_project_and_signing_out_revokes_the_token()
    {
        using var user = await SandboxUser.SignInAsync(_sandbox);
        using var browser = _sample!.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = true });

        // /me without a session is an API call refused (401); /signin sends the browser to the sandbox.
        Assert.Equal(HttpStatusCode.Unauthorized, (await browser.GetAsync("/me", Cancel)).StatusCode);
        var authorize = await browser.GetAsync("/signin", Cancel);
        Assert.Equal(HttpStatusCode.Redirect, authorize.StatusCode);
        var location = authorize.Headers.Location!;
        Assert.StartsWith("http://localhost/sandbox/oauth/authorize?", location.AbsoluteUri);
        Assert.Contains("code_challenge_method=S256", location.Query);

        // At the sandbox: the consent page, Allow, and back to the sample's callback with code, state and iss.
        using var consent = await user.Browser.GetAsync(location, Cancel);
        Assert.Equal(HttpStatusCode.OK, consent.StatusCode);
        using var decided = await user.DecideAsync(consent, "Allow");
        var callback = decided.Headers.Location!;
        Assert.StartsWith(RedirectUri + "?", callback.AbsoluteUri);
        Assert.Contains("iss=", callback.Query);

        var signedIn = await browser.GetAsync(callback.PathAndQuery, Cancel);
        Assert.Equal(HttpStatusCode.Redirect, signedIn.StatusCode);
        Assert.Equal("/me", signedIn.Headers.Location!.OriginalString);

        using var me = JsonDocument.Parse(await browser.GetStringAsync("/me", Cancel));
        Assert.Equal("Ada Lovelace", me.RootElement.GetProperty("name").GetString());
        Assert.Equal(SandboxUser.DemoEmail, me.RootElement.GetProperty("email").GetString());

        using var projects = JsonDocument.Parse(await browser.GetStringAsync("/projects", Cancel));
        Assert.Equal(3, projects.RootElement.GetArrayLength());
        Assert.All(projects.RootElement.EnumerateArray(), project => Assert.False(string.IsNullOrEmpty(project.GetProperty("name").GetString())));

        // Sign-out revokes both tokens at the sandbox (RFC 7009), and the access token no longer opens the API.
        var accessToken = Assert.Single(_wire.Values("access_token"));
        var signedOut = await browser.PostAsync("/signout", content: null, Cancel);
        Assert.Equal(HttpStatusCode.Redirect, signedOut.StatusCode);
        var revocations = _wire.Exchanges.Where(e => e.Uri.AbsolutePath == "/sandbox/oauth/revoke").ToList();
        Assert.Equal(["token_type_hint=refresh_token", "token_type_hint=access_token"], revocations.Select(e => e.RequestBody.Split('&').Single(p => p.StartsWith("token_type_hint=", StringComparison.Ordinal))));
        Assert.All(revocations, e => Assert.Equal(200, e.Status));
        using var api = _sandbox.CreateClient();
        api.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", accessToken);
        Assert.Equal(HttpStatusCode.Unauthorized, (await api.GetAsync("/sandbox/api/v1/me", Cancel)).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await browser.GetAsync("/me", Cancel)).StatusCode);
    }

    public async ValueTask DisposeAsync()
    {
        if (_sample is not null)
        {
            await _sample.DisposeAsync();
        }
        await _sandbox.DisposeAsync();
    }
}
