using System.Net;
using AgilePlanner.Sandbox.Hosting;
using AgilePlanner.WebApp.Tests.Infrastructure;

namespace AgilePlanner.WebApp.Tests.Sandbox;

/// <summary>
/// The security headers of the sandbox's own pages, and what its forms may lead to: the consent form only to the
/// request's registered callback origin, every other form only to the sandbox itself.
/// </summary>
public sealed class SandboxPageHeadersTests : IAsyncLifetime
{
    private readonly AgilePlannerAppFactory _app = new();

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData("/sandbox", false)]
    [InlineData("/sandbox/signin", false)]
    [InlineData("/sandbox/signup", false)]
    [InlineData("/sandbox/developers", true)]
    [InlineData("/sandbox/developers/new", true)]
    [InlineData("/sandbox/account/apps", true)]
    public async Task Each_page_sends_a_strict_csp_nosniff_no_referrer_and_no_store(string path, bool signedIn)
    {
        using var user = signedIn ? await SandboxUser.SignInAsync(_app) : SandboxUser.Anonymous(_app);

        using var page = await user.Browser.GetAsync(path, Cancel);

        Assert.Equal("text/html", page.Content.Headers.ContentType?.MediaType);
        AssertPageHeaders(page, formAction: "'self'");
    }

    [Fact]
    public async Task The_error_page_for_an_unknown_client_sends_the_headers_too()
    {
        using var ada = await SandboxUser.SignInAsync(_app);

        using var error = await ada.StartAuthorizationAsync(new AuthorizationRequest { ClientId = "no-such-app" });

        Assert.Equal(HttpStatusCode.BadRequest, error.StatusCode);
        AssertPageHeaders(error, formAction: "'self'");
    }

    [Fact]
    public async Task The_consent_form_may_lead_to_the_requests_registered_callback_origin_and_nowhere_else()
    {
        using var ada = await SandboxUser.SignInAsync(_app);

        using var consent = await ada.StartAuthorizationAsync(new AuthorizationRequest());
        using var loopback = await ada.StartAuthorizationAsync(new AuthorizationRequest { RedirectUri = "http://127.0.0.1:5080/callback" });

        Assert.Equal(HttpStatusCode.OK, consent.StatusCode);
        AssertPageHeaders(consent, formAction: "'self' http://localhost");
        AssertPageHeaders(loopback, formAction: "'self' http://127.0.0.1:5080");
    }

    [Fact]
    public async Task A_callback_origin_csp_cannot_name_leaves_that_consent_page_without_form_action_rather_than_block_it()
    {
        var client = SandboxClient.RegisterOther(_app, "ipv6-app", "http://[::1]/callback");
        using var ada = await SandboxUser.SignInAsync(_app);

        using var consent = await ada.StartAuthorizationAsync(AuthorizationRequest.For(client) with { RedirectUri = "http://[::1]:5080/callback" });

        Assert.Equal(HttpStatusCode.OK, consent.StatusCode);
        AssertPageHeaders(consent, formAction: null);
    }

    [Theory]
    [InlineData("Allow")]
    [InlineData("Deny")]
    public async Task The_authorize_redirect_carrying_the_code_or_error_sends_no_referrer(string button)
    {
        using var ada = await SandboxUser.SignInAsync(_app);
        using var consent = await ada.StartAuthorizationAsync(new AuthorizationRequest());

        using var decided = await ada.DecideAsync(consent, button);

        Assert.Equal(HttpStatusCode.Redirect, decided.StatusCode);
        Assert.StartsWith("http://localhost/callback?", decided.Headers.Location!.ToString());
        Assert.Equal("no-referrer", decided.Headers.GetValues("Referrer-Policy").Single());
    }

    [Fact]
    public async Task With_remembered_consent_the_sign_in_form_may_lead_to_a_registered_callback_only()
    {
        _app.With("Sandbox:RememberConsent", "true");
        using var visitor = SandboxUser.Anonymous(_app);
        var registered = new AuthorizationRequest().ToUrl();
        var unregistered = new AuthorizationRequest { RedirectUri = "https://evil.test/callback" }.ToUrl();

        using var forRegistered = await visitor.Browser.GetAsync("/sandbox/signin?returnUrl=" + Uri.EscapeDataString(registered), Cancel);
        using var forUnregistered = await visitor.Browser.GetAsync("/sandbox/signin?returnUrl=" + Uri.EscapeDataString(unregistered), Cancel);
        using var signUp = await visitor.Browser.GetAsync("/sandbox/signup?returnUrl=" + Uri.EscapeDataString(registered), Cancel);

        AssertPageHeaders(forRegistered, formAction: "'self' http://localhost");
        AssertPageHeaders(signUp, formAction: "'self' http://localhost");
        AssertPageHeaders(forUnregistered, formAction: "'self'");
    }

    [Fact]
    public async Task Without_remembered_consent_the_sign_in_form_leads_only_to_the_sandbox()
    {
        using var visitor = SandboxUser.Anonymous(_app);

        using var signIn = await visitor.Browser.GetAsync("/sandbox/signin?returnUrl=" + Uri.EscapeDataString(new AuthorizationRequest().ToUrl()), Cancel);

        AssertPageHeaders(signIn, formAction: "'self'");
    }

    [Theory]
    [InlineData("http://localhost/callback", "http://localhost")]
    [InlineData("https://client.test:8443/cb?x=1", "https://client.test:8443")]
    [InlineData("HTTPS://Client.TEST/cb", "https://client.test")]
    [InlineData("https://bücher.test/cb", "https://xn--bcher-kva.test")]
    [InlineData("http://[::1]:5080/callback", null)]
    [InlineData("com.example.app:/callback", null)]
    [InlineData("https://a.test;script-src *", null)]
    [InlineData("/callback", null)]
    public void A_callback_origin_is_written_as_an_exact_host_source_or_not_at_all(string uri, string? origin) =>
        Assert.Equal(origin, SandboxPageHeaders.OriginOf(uri));

    [Fact]
    public async Task The_api_answers_json_without_the_pages_policy()
    {
        using var ada = await SandboxUser.SignInAsync(_app);
        var tokens = await ada.GetTokensAsync();
        using var http = _app.CreateClient();

        using var me = await SandboxTokens.GetApiAsync(http, "/me", tokens.AccessToken);

        Assert.Equal(HttpStatusCode.OK, me.StatusCode);
        Assert.False(me.Headers.Contains("Content-Security-Policy"));
    }

    /// <summary>The headers every sandbox page sends; <paramref name="formAction"/> is the exact form-action source list, null for none.</summary>
    internal static void AssertPageHeaders(HttpResponseMessage page, string? formAction)
    {
        var csp = page.Headers.GetValues("Content-Security-Policy").Single();
        var directives = csp.Split(';', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
            .ToDictionary(d => d.Split(' ')[0], d => d[(d.IndexOf(' ') + 1)..]);
        Assert.Equal("'self'", directives["default-src"]);
        Assert.Equal("'self'", directives["script-src"]);
        Assert.Equal("'none'", directives["object-src"]);
        Assert.Equal("'none'", directives["base-uri"]);
        Assert.Equal("'none'", directives["frame-ancestors"]);
        Assert.Equal(formAction, directives.GetValueOrDefault("form-action"));
        Assert.DoesNotContain("unsafe-inline", csp);
        Assert.DoesNotContain("*", csp);
        Assert.Equal("DENY", page.Headers.GetValues("X-Frame-Options").Single());
        Assert.Equal("nosniff", page.Headers.GetValues("X-Content-Type-Options").Single());
        Assert.Equal("no-referrer", page.Headers.GetValues("Referrer-Policy").Single());
        Assert.True(page.Headers.CacheControl?.NoStore, "Cache-Control: no-store");
    }

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public ValueTask DisposeAsync() => _app.DisposeAsync();
}
