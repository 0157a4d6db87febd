using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using AgilePlanner.WebApp.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace AgilePlanner.WebApp.Tests.Sandbox;

/// <summary>The authorization code grant with PKCE at the sandbox, driven through its real pages and endpoints.</summary>
public sealed class AuthorizationCodeFlowTests : IAsyncLifetime
{
    private readonly AgilePlannerAppFactory _app = new();

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Code_grant_with_pkce_gives_tokens_that_read_me()
    {
        // A still clock, so expires_in is exactly the configured hour.
        _app.ConfigureTestServices = services => services.AddSingleton<TimeProvider>(new FakeTimeProvider(DateTimeOffset.UtcNow));
        using var ada = await SandboxUser.SignInAsync(_app);
        var request = new AuthorizationRequest();

        using var consent = await ada.StartAuthorizationAsync(request);
        Assert.Equal(HttpStatusCode.OK, consent.StatusCode);
        var consentPage = await Html.ParseAsync(consent);
        Assert.Contains("Agile Planner Connect", consentPage.QuerySelector("h1")!.TextContent);
        Assert.Contains("projects, iterations and stories", consentPage.QuerySelector(".scopes")!.TextContent);

        using var allowed = await ada.DecideAsync(consent, "Allow");
        var callback = CallbackParameters.From(allowed);
        Assert.Equal(HttpStatusCode.Redirect, callback.Status);
        Assert.StartsWith("http://localhost/callback?", callback.Location!.ToString());
        Assert.Equal(request.State, callback.State);
        Assert.Equal("http://localhost/sandbox/", callback.Issuer);
        Assert.False(string.IsNullOrEmpty(callback.Code));

        using var http = _app.CreateClient();
        using var tokenResponse = await SandboxTokens.RedeemCodeAsync(http, callback.Code!, request);
        Assert.Equal(HttpStatusCode.OK, tokenResponse.StatusCode);
        Assert.Contains("no-store", tokenResponse.Headers.CacheControl!.ToString());
        var tokens = await SandboxTokens.ReadAsync(tokenResponse);
        Assert.False(string.IsNullOrEmpty(tokens.AccessToken));
        Assert.Equal("Bearer", tokens.TokenType);
        Assert.Equal(3600, tokens.ExpiresIn);
        Assert.False(string.IsNullOrEmpty(tokens.RefreshToken));
        Assert.Equal("read", tokens.Scope);

        using var me = await SandboxTokens.GetApiAsync(http, "/me", tokens.AccessToken);
        Assert.Equal(HttpStatusCode.OK, me.StatusCode);
        var body = await me.Content.ReadFromJsonAsync<JsonElement>(Cancel);
        Assert.Equal("Ada Lovelace", body.GetProperty("name").GetString());
        Assert.Equal("demo@agileplanner.test", body.GetProperty("email").GetString());
    }

    [Fact]
    public async Task Signed_out_user_is_sent_to_sign_in_and_back_to_the_consent_page()
    {
        using var visitor = SandboxUser.Anonymous(_app);
        var request = new AuthorizationRequest();

        using var challenge = await visitor.StartAuthorizationAsync(request);
        Assert.Equal(HttpStatusCode.Redirect, challenge.StatusCode);
        Assert.Equal("/sandbox/signin", challenge.Headers.Location!.AbsolutePath);

        using var signedIn = await visitor.Browser.GetAsync(challenge.Headers.Location, Cancel);
        var page = await Html.ParseAsync(signedIn);
        var form = (AngleSharp.Html.Dom.IHtmlFormElement)page.QuerySelector("form[action='/sandbox/signin']")!;
        using var afterSignIn = await visitor.Browser.SubmitAsync(form, new Dictionary<string, string>
        {
            ["Email"] = SandboxUser.DemoEmail,
            ["Password"] = SandboxUser.DemoPassword,
        });
        Assert.Equal(HttpStatusCode.Redirect, afterSignIn.StatusCode);
        Assert.Equal(request.ToUrl(), afterSignIn.Headers.Location!.OriginalString);

        using var consent = await visitor.Browser.GetAsync(afterSignIn.Headers.Location, Cancel);
        Assert.Equal(HttpStatusCode.OK, consent.StatusCode);
        Assert.NotNull((await Html.ParseAsync(consent)).QuerySelector("form[action='/sandbox/oauth/authorize']"));
    }

    [Fact]
    public async Task Deny_redirects_with_access_denied_a_description_and_the_state()
    {
        using var ada = await SandboxUser.SignInAsync(_app);
        var request = new AuthorizationRequest();

        var callback = await ada.AuthorizeAsync(request, "Deny");

        Assert.Equal(HttpStatusCode.Redirect, callback.Status);
        Assert.StartsWith("http://localhost/callback?", callback.Location!.ToString());
        Assert.Equal("access_denied", callback.Error);
        Assert.Equal("The user denied the application access to their Agile Planner account.", callback.ErrorDescription);
        Assert.Equal(request.State, callback.State);
        Assert.Equal("http://localhost/sandbox/", callback.Issuer);
        Assert.Null(callback.Code);
    }

    [Fact]
    public async Task Unknown_client_gets_an_error_page_at_the_sandbox_and_no_redirect()
    {
        using var ada = await SandboxUser.SignInAsync(_app);

        using var response = await ada.StartAuthorizationAsync(new AuthorizationRequest { ClientId = "no-such-app" });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Null(response.Headers.Location);
        var page = await Html.ParseAsync(response);
        Assert.Equal("This authorization request cannot be completed", page.QuerySelector("h1")!.TextContent);
        Assert.Equal("invalid_request", page.QuerySelector("#error")!.TextContent);
        Assert.Contains("client", page.QuerySelector("#error-description")!.TextContent, StringComparison.OrdinalIgnoreCase);
    }

    [Theory]
    [InlineData("http://localhost/callback/")]
    [InlineData("http://localhost/Callback")]
    [InlineData("http://localhost/callback?next=/admin")]
    [InlineData("http://localhost/other")]
    [InlineData("https://evil.test/callback")]
    [InlineData("http://localhost.evil.test/callback")]
    [InlineData("http://user@localhost/callback")]
    public async Task Unregistered_redirect_uri_gets_an_error_page_and_no_redirect(string redirectUri)
    {
        using var ada = await SandboxUser.SignInAsync(_app);

        using var response = await ada.StartAuthorizationAsync(new AuthorizationRequest { RedirectUri = redirectUri });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Null(response.Headers.Location);
        var page = await Html.ParseAsync(response);
        Assert.Equal("This authorization request cannot be completed", page.QuerySelector("h1")!.TextContent);
    }

    [Fact]
    public async Task Non_loopback_redirect_uri_on_another_port_is_refused()
    {
        var other = SandboxClient.RegisterOther(_app, redirectUri: "https://other.test/callback");
        using var ada = await SandboxUser.SignInAsync(_app);

        using var otherPort = await ada.StartAuthorizationAsync(AuthorizationRequest.For(other) with { RedirectUri = "https://other.test:8443/callback" });
        using var exact = await ada.StartAuthorizationAsync(AuthorizationRequest.For(other));

        Assert.Equal(HttpStatusCode.BadRequest, otherPort.StatusCode);
        Assert.Null(otherPort.Headers.Location);
        Assert.Equal(HttpStatusCode.OK, exact.StatusCode);
    }

    [Theory]
    [InlineData("http://localhost:5080/callback")]
    [InlineData("http://127.0.0.1:43210/callback")]
    [InlineData("http://localhost/callback")]
    public async Task Loopback_redirect_uri_matches_on_any_port_and_the_code_redeems_with_it(string redirectUri)
    {
        using var ada = await SandboxUser.SignInAsync(_app);
        var request = new AuthorizationRequest { RedirectUri = redirectUri };

        var callback = await ada.AuthorizeAsync(request);

        Assert.StartsWith(redirectUri + "?", callback.Location!.ToString());
        using var http = _app.CreateClient();
        using var tokens = await SandboxTokens.RedeemCodeAsync(http, callback.Code!, request);
        Assert.Equal(HttpStatusCode.OK, tokens.StatusCode);
    }

    [Fact]
    public async Task Token_request_with_a_different_redirect_uri_is_refused()
    {
        using var ada = await SandboxUser.SignInAsync(_app);
        var request = new AuthorizationRequest { RedirectUri = "http://localhost:5080/callback" };
        var callback = await ada.AuthorizeAsync(request);

        using var http = _app.CreateClient();
        using var response = await SandboxTokens.RedeemCodeAsync(http, callback.Code!, request with { RedirectUri = "http://localhost:5081/callback" });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("invalid_grant", (await SandboxTokens.ReadAsync(response)).Error);
    }

    [Fact]
    public async Task Missing_pkce_is_refused_with_invalid_request_at_the_callback()
    {
        using var ada = await SandboxUser.SignInAsync(_app);
        var request = new AuthorizationRequest { CodeChallengeMethod = null };

        using var response = await ada.StartAuthorizationAsync(request);

        var callback = CallbackParameters.From(response);
        Assert.Equal(HttpStatusCode.Redirect, callback.Status);
        Assert.Equal("invalid_request", callback.Error);
        Assert.Contains("code_challenge", callback.ErrorDescription);
        Assert.Equal(request.State, callback.State);
    }

    [Fact]
    public async Task Pkce_is_optional_when_the_sandbox_is_configured_so()
    {
        _app.With("Sandbox:RequirePkce", "false");
        using var ada = await SandboxUser.SignInAsync(_app);
        var request = new AuthorizationRequest { CodeChallengeMethod = null };

        var callback = await ada.AuthorizeAsync(request);

        Assert.NotNull(callback.Code);
    }

    [Fact]
    public async Task Plain_pkce_is_refused()
    {
        using var ada = await SandboxUser.SignInAsync(_app);
        var request = new AuthorizationRequest { CodeChallengeMethod = "plain" };

        using var response = await ada.StartAuthorizationAsync(request);

        var callback = CallbackParameters.From(response);
        Assert.Equal(HttpStatusCode.Redirect, callback.Status);
        Assert.Equal("invalid_request", callback.Error);
        Assert.Contains("code_challenge_method", callback.ErrorDescription);
        Assert.Null(callback.Code);
    }

    [Fact]
    public async Task Wrong_code_verifier_is_refused()
    {
        using var ada = await SandboxUser.SignInAsync(_app);
        var request = new AuthorizationRequest();
        var callback = await ada.AuthorizeAsync(request);

        using var http = _app.CreateClient();
        using var response = await SandboxTokens.RedeemCodeAsync(http, callback.Code!, request, codeVerifier: new AuthorizationRequest().CodeVerifier);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("invalid_grant", (await SandboxTokens.ReadAsync(response)).Error);
    }

    [Fact]
    public async Task Reused_code_is_refused_and_the_tokens_from_it_are_revoked()
    {
        using var ada = await SandboxUser.SignInAsync(_app);
        var request = new AuthorizationRequest();
        var callback = await ada.AuthorizeAsync(request);
        using var http = _app.CreateClient();
        using var first = await SandboxTokens.RedeemCodeAsync(http, callback.Code!, request);
        var tokens = await SandboxTokens.ReadAsync(first);
        using var before = await SandboxTokens.GetApiAsync(http, "/me", tokens.AccessToken);
        Assert.Equal(HttpStatusCode.OK, before.StatusCode);

        using var second = await SandboxTokens.RedeemCodeAsync(http, callback.Code!, request);

        Assert.Equal(HttpStatusCode.BadRequest, second.StatusCode);
        Assert.Equal("invalid_grant", (await SandboxTokens.ReadAsync(second)).Error);
        using var after = await SandboxTokens.GetApiAsync(http, "/me", tokens.AccessToken);
        Assert.Equal(HttpStatusCode.Unauthorized, after.StatusCode);
        using var refresh = await SandboxTokens.RefreshAsync(http, tokens.RefreshToken!);
        Assert.Equal("invalid_grant", (await SandboxTokens.ReadAsync(refresh)).Error);
    }

    [Fact]
    public async Task Code_older_than_five_minutes_is_refused()
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 3, 2, 9, 0, 0, TimeSpan.Zero));
        _app.ConfigureTestServices = services => services.AddSingleton<TimeProvider>(clock);
        using var ada = await SandboxUser.SignInAsync(_app);
        var request = new AuthorizationRequest();
        var stale = await ada.AuthorizeAsync(request);
        clock.Advance(TimeSpan.FromMinutes(4));
        var freshRequest = new AuthorizationRequest();
        var fresh = await ada.AuthorizeAsync(freshRequest);

        clock.Advance(TimeSpan.FromMinutes(1) + TimeSpan.FromSeconds(1));
        using var http = _app.CreateClient();
        using var expired = await SandboxTokens.RedeemCodeAsync(http, stale.Code!, request);
        using var inTime = await SandboxTokens.RedeemCodeAsync(http, fresh.Code!, freshRequest);

        Assert.Equal(HttpStatusCode.BadRequest, expired.StatusCode);
        Assert.Equal("invalid_grant", (await SandboxTokens.ReadAsync(expired)).Error);
        // A code one minute old still redeems on the same clock: only the age made the difference.
        Assert.Equal(HttpStatusCode.OK, inTime.StatusCode);
    }

    [Fact]
    public async Task Wrong_client_secret_is_refused_with_invalid_client()
    {
        using var ada = await SandboxUser.SignInAsync(_app);
        var request = new AuthorizationRequest();
        var callback = await ada.AuthorizeAsync(request);

        using var http = _app.CreateClient();
        using var response = await SandboxTokens.RedeemCodeAsync(http, callback.Code!, request,
            SandboxClient.WebApp with { ClientSecret = "not-the-secret" });

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("invalid_client", (await SandboxTokens.ReadAsync(response)).Error);
    }

    [Fact]
    public async Task Client_secret_may_come_by_http_basic()
    {
        using var ada = await SandboxUser.SignInAsync(_app);
        var request = new AuthorizationRequest();
        var callback = await ada.AuthorizeAsync(request);

        using var http = _app.CreateClient();
        using var response = await SandboxTokens.PostFormAsync(http, SandboxTokens.TokenPath, new Dictionary<string, string>
        {
            ["grant_type"] = "authorization_code",
            ["code"] = callback.Code!,
            ["redirect_uri"] = request.RedirectUri!,
            ["code_verifier"] = request.CodeVerifier,
        }, SandboxTokens.Basic(SandboxClient.WebApp));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.NotNull((await SandboxTokens.ReadAsync(response)).AccessToken);
    }

    [Fact]
    public async Task Code_redeemed_by_another_client_is_refused()
    {
        var other = SandboxClient.RegisterOther(_app);
        using var ada = await SandboxUser.SignInAsync(_app);
        var request = new AuthorizationRequest();
        var callback = await ada.AuthorizeAsync(request);

        using var http = _app.CreateClient();
        using var response = await SandboxTokens.RedeemCodeAsync(http, callback.Code!, request, other);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("invalid_grant", (await SandboxTokens.ReadAsync(response)).Error);
    }

    [Fact]
    public async Task Implicit_response_type_token_is_refused()
    {
        using var ada = await SandboxUser.SignInAsync(_app);
        var request = new AuthorizationRequest { ResponseType = "token" };

        using var response = await ada.StartAuthorizationAsync(request);

        var callback = CallbackParameters.From(response);
        Assert.Equal(HttpStatusCode.Redirect, callback.Status);
        Assert.Equal("unsupported_response_type", callback.Error);
        Assert.DoesNotContain("access_token", callback.Location!.ToString());
    }

    [Fact]
    public async Task Unknown_scope_is_refused_with_invalid_scope()
    {
        using var ada = await SandboxUser.SignInAsync(_app);
        var request = new AuthorizationRequest { Scope = "read admin" };

        using var response = await ada.StartAuthorizationAsync(request);

        var callback = CallbackParameters.From(response);
        Assert.Equal("invalid_scope", callback.Error);
        Assert.Equal(request.State, callback.State);
    }

    [Fact]
    public async Task Password_grant_is_refused()
    {
        using var http = _app.CreateClient();
        using var response = await SandboxTokens.PostFormAsync(http, SandboxTokens.TokenPath, new Dictionary<string, string>
        {
            ["grant_type"] = "password",
            ["username"] = SandboxUser.DemoEmail,
            ["password"] = SandboxUser.DemoPassword,
            ["client_id"] = SandboxClient.WebApp.ClientId,
            ["client_secret"] = SandboxClient.WebApp.ClientSecret,
        });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("unsupported_grant_type", (await SandboxTokens.ReadAsync(response)).Error);
    }

    [Fact]
    public async Task Token_error_responses_are_not_cached_either()
    {
        using var http = _app.CreateClient();
        using var response = await SandboxTokens.PostFormAsync(http, SandboxTokens.TokenPath, new Dictionary<string, string>
        {
            ["grant_type"] = "authorization_code",
            ["code"] = "forged",
            ["client_id"] = SandboxClient.WebApp.ClientId,
            ["client_secret"] = SandboxClient.WebApp.ClientSecret,
        });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("no-store", response.Headers.CacheControl!.ToString());
    }

    [Fact]
    public async Task Consent_and_sign_in_pages_refuse_to_be_framed()
    {
        using var ada = await SandboxUser.SignInAsync(_app);
        using var consent = await ada.StartAuthorizationAsync(new AuthorizationRequest());
        using var signIn = await SandboxUser.Anonymous(_app).Browser.GetAsync("/sandbox/signin", Cancel);

        foreach (var page in new[] { consent, signIn })
        {
            Assert.Equal(HttpStatusCode.OK, page.StatusCode);
            Assert.Equal("DENY", page.Headers.GetValues("X-Frame-Options").Single());
            Assert.Contains("frame-ancestors 'none'", page.Headers.GetValues("Content-Security-Policy").Single());
            Assert.Contains("no-store", page.Headers.CacheControl!.ToString());
        }
    }

    [Fact]
    public async Task Consent_is_asked_every_time_by_default()
    {
        using var ada = await SandboxUser.SignInAsync(_app);
        await ada.AuthorizeAsync(new AuthorizationRequest());

        using var second = await ada.StartAuthorizationAsync(new AuthorizationRequest());

        Assert.Equal(HttpStatusCode.OK, second.StatusCode);
        Assert.NotNull((await Html.ParseAsync(second)).QuerySelector("form[action='/sandbox/oauth/authorize']"));
    }

    [Fact]
    public async Task Remembered_consent_skips_the_page_the_second_time()
    {
        _app.With("Sandbox:RememberConsent", "true");
        using var ada = await SandboxUser.SignInAsync(_app);
        await ada.AuthorizeAsync(new AuthorizationRequest());
        var request = new AuthorizationRequest();

        using var second = await ada.StartAuthorizationAsync(request);

        var callback = CallbackParameters.From(second);
        Assert.Equal(HttpStatusCode.Redirect, callback.Status);
        Assert.NotNull(callback.Code);
        Assert.Equal(request.State, callback.State);
    }

    [Fact]
    public async Task Metadata_document_names_the_endpoints_and_supports_only_s256()
    {
        using var http = _app.CreateClient();

        using var response = await http.GetAsync("/sandbox/.well-known/oauth-authorization-server", Cancel);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var metadata = await response.Content.ReadFromJsonAsync<JsonElement>(Cancel);
        Assert.Equal("http://localhost/sandbox/", metadata.GetProperty("issuer").GetString());
        Assert.Equal("http://localhost/sandbox/oauth/authorize", metadata.GetProperty("authorization_endpoint").GetString());
        Assert.Equal("http://localhost/sandbox/oauth/token", metadata.GetProperty("token_endpoint").GetString());
        Assert.Equal("http://localhost/sandbox/oauth/revoke", metadata.GetProperty("revocation_endpoint").GetString());
        Assert.Equal(["S256"], metadata.GetProperty("code_challenge_methods_supported").EnumerateArray().Select(e => e.GetString()));
        Assert.True(metadata.GetProperty("authorization_response_iss_parameter_supported").GetBoolean());
        Assert.Equal(["code"], metadata.GetProperty("response_types_supported").EnumerateArray().Select(e => e.GetString()));
        Assert.DoesNotContain("password", metadata.GetProperty("grant_types_supported").EnumerateArray().Select(e => e.GetString()));
    }

    [Fact]
    public async Task Issuer_follows_the_host_the_request_came_to()
    {
        using var http = _app.CreateClient();
        http.BaseAddress = new Uri("http://127.0.0.1:5099/");

        var metadata = await http.GetFromJsonAsync<JsonElement>("/sandbox/.well-known/openid-configuration", Cancel);

        Assert.Equal("http://127.0.0.1:5099/sandbox/", metadata.GetProperty("issuer").GetString());
    }

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public ValueTask DisposeAsync() => _app.DisposeAsync();
}
