using System.Net;
using AgilePlanner.WebApp.Tests.Infrastructure;
using AngleSharp.Dom;
using Microsoft.Extensions.Options;

namespace AgilePlanner.WebApp.Tests.WebApp;

/// <summary>The session cookie, security headers, antiforgery and start-up validation, as they cross the wire.</summary>
public sealed class SessionSecurityTests : IAsyncDisposable
{
    private readonly ClientAppFactory _app = new();

    [Fact]
    public async Task The_session_cookie_is_httponly_lax_one_small_cookie_and_secret_free()
    {
        _app.Provider.IssuingTokens().ServingApi();
        using var browser = _app.CreateBrowser();
        var authorize = await ClientFlow.StartAsync(browser);

        var callback = await ClientFlow.CallbackAsync(browser, ClientFlow.Allowed(authorize));

        var cookies = callback.Headers.GetValues("Set-Cookie").Where(c => c.StartsWith("AgilePlanner=", StringComparison.Ordinal)).ToList();
        var session = Assert.Single(cookies);
        Assert.Contains("httponly", session, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("samesite=lax", session, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("path=/", session, StringComparison.OrdinalIgnoreCase);
        Assert.True(session.Length < 4096, $"{session.Length} bytes");
        Assert.DoesNotContain(_app.Provider.Issued[0].AccessToken, session);
    }

    [Fact]
    public async Task Over_https_the_session_cookie_is_secure_and_host_prefixed_and_hsts_is_sent()
    {
        _app.Provider.IssuingTokens().ServingApi();
        _app.With("AllowedHosts", "agileplanner.test");
        using var browser = _app.CreateClient(new Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactoryClientOptions
        {
            AllowAutoRedirect = false, BaseAddress = new Uri("https://agileplanner.test"),
        });
        var start = await browser.GetAsync("/connect", TestContext.Current.CancellationToken);
        var authorize = start.Headers.Location!;

        var callback = await ClientFlow.CallbackAsync(browser, ClientFlow.Allowed(authorize));

        var session = Assert.Single(callback.Headers.GetValues("Set-Cookie"), c => c.StartsWith("__Host-AgilePlanner=", StringComparison.Ordinal));
        Assert.Contains("secure", session, StringComparison.OrdinalIgnoreCase);
        Assert.Equal("https://agileplanner.test/callback", ClientFlow.Query(authorize)["redirect_uri"]);
        Assert.Equal("https://agileplanner.test/callback", _app.Provider.TokenRequests[0].Form["redirect_uri"]);
        var home = await browser.GetAsync("/", TestContext.Current.CancellationToken);
        Assert.Contains("max-age=31536000", home.Headers.GetValues("Strict-Transport-Security").Single());
    }

    [Fact]
    public async Task A_new_sign_in_issues_a_new_session_and_an_idle_session_ends_after_thirty_minutes()
    {
        _app.Provider.IssuingTokens(expiresIn: 86_400).ServingApi();
        using var browser = _app.CreateBrowser();
        var first = await ClientFlow.CallbackAsync(browser, ClientFlow.Allowed(await ClientFlow.StartAsync(browser)));
        var second = await ClientFlow.CallbackAsync(browser, ClientFlow.Allowed(await ClientFlow.StartAsync(browser)));
        Assert.NotEqual(SessionCookie(first), SessionCookie(second));

        _app.Time.Advance(TimeSpan.FromMinutes(20));
        Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync("/account", TestContext.Current.CancellationToken)).StatusCode);
        _app.Time.Advance(TimeSpan.FromMinutes(31));
        await ClientFlow.AssertConnectOfferedAsync(browser);
    }

    [Fact]
    public async Task An_active_session_still_ends_after_eight_hours()
    {
        _app.Provider.IssuingTokens(expiresIn: 86_400).ServingApi();
        using var browser = _app.CreateBrowser();
        await ClientFlow.CallbackAsync(browser, ClientFlow.Allowed(await ClientFlow.StartAsync(browser)));

        for (var minutes = 20; minutes < 8 * 60; minutes += 20)
        {
            _app.Time.Advance(TimeSpan.FromMinutes(20));
            Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync("/account", TestContext.Current.CancellationToken)).StatusCode);
        }
        _app.Time.Advance(TimeSpan.FromMinutes(20));
        var ended = await browser.GetAsync("/account", TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.Redirect, ended.StatusCode);
    }

    [Fact]
    public async Task Pages_send_security_headers_and_account_pages_are_not_stored()
    {
        _app.Provider.IssuingTokens().ServingApi();
        using var browser = _app.CreateBrowser();
        var account = await ClientFlow.ConnectAsync(browser);
        var home = await browser.GetAsync("/", TestContext.Current.CancellationToken);

        foreach (var response in new[] { home, account })
        {
            var csp = response.Headers.GetValues("Content-Security-Policy").Single();
            Assert.Contains("script-src 'self'", csp);
            Assert.DoesNotContain("unsafe-inline", csp);
            Assert.Contains("object-src 'none'", csp);
            Assert.Contains("base-uri 'none'", csp);
            Assert.Contains("frame-ancestors 'none'", csp);
            Assert.Equal("nosniff", response.Headers.GetValues("X-Content-Type-Options").Single());
            Assert.Equal("no-referrer", response.Headers.GetValues("Referrer-Policy").Single());
        }
        Assert.True(account.Headers.CacheControl?.NoStore);
        var html = await account.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        Assert.DoesNotContain("<script", html);
        Assert.DoesNotContain("style=", html);
    }

    [Fact]
    public async Task Posts_without_the_antiforgery_token_are_refused_and_change_nothing()
    {
        _app.Provider.IssuingTokens(scope: "read write").ServingApi();
        _app.Provider.Revoke = _ => new HttpResponseMessage(HttpStatusCode.OK);
        using var browser = _app.CreateBrowser();
        await ClientFlow.ConnectAsync(browser, "/connect?returnUrl=%2F");
        var apiCalls = _app.Provider.ApiRequests.Count;

        var story = await browser.PostAsync("/projects/p1/stories", new FormUrlEncodedContent(new Dictionary<string, string> { ["Form.Title"] = "x", ["Form.Type"] = "bug", ["Form.Points"] = "1" }), TestContext.Current.CancellationToken);
        var disconnect = await browser.PostAsync("/disconnect", new FormUrlEncodedContent([]), TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.BadRequest, story.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, disconnect.StatusCode);
        Assert.Equal(apiCalls, _app.Provider.ApiRequests.Count);
        Assert.DoesNotContain(_app.Provider.Requests, r => r.Uri.AbsolutePath == "/oauth/revoke");
        Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync("/account", TestContext.Current.CancellationToken)).StatusCode);
    }

    [Fact]
    public async Task A_refused_form_gets_a_page_saying_nothing_was_changed_with_the_pages_headers()
    {
        _app.Provider.IssuingTokens().ServingApi();
        _app.Provider.Revoke = _ => new HttpResponseMessage(HttpStatusCode.OK);
        using var browser = _app.CreateBrowser();
        var account = await Html.ParseAsync(await ClientFlow.ConnectAsync(browser));
        var form = account.QuerySelector<AngleSharp.Html.Dom.IHtmlFormElement>("form[action='/disconnect']")!;
        Assert.Single(form.QuerySelectorAll("input[name=__RequestVerificationToken]")).Remove();

        using var refused = await browser.SubmitAsync(form);

        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        var page = await Html.ParseAsync(refused);
        Assert.Equal("This form expired or was not sent from this site", page.QuerySelector("h1")!.TextContent);
        Assert.StartsWith("Nothing was changed.", page.QuerySelector("main p")!.TextContent);
        Assert.Equal("/", page.QuerySelector("main a")!.GetAttribute("href"));
        Assert.Contains("script-src 'self'", refused.Headers.GetValues("Content-Security-Policy").Single());
        Assert.Equal("nosniff", refused.Headers.GetValues("X-Content-Type-Options").Single());
        Assert.True(refused.Headers.CacheControl?.NoStore);
        Assert.DoesNotContain(_app.Provider.Requests, r => r.Uri.AbsolutePath == "/oauth/revoke");
        Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync("/account", TestContext.Current.CancellationToken)).StatusCode);
    }

    [Fact]
    public async Task A_post_to_a_page_that_takes_none_gets_the_not_allowed_page_not_the_refused_form_page()
    {
        using var browser = _app.CreateBrowser();

        using var response = await browser.PostAsync("/", new FormUrlEncodedContent([]), TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.MethodNotAllowed, response.StatusCode);
        Assert.Equal("That request could not be handled", (await Html.ParseAsync(response)).QuerySelector("h1")!.TextContent);
    }

    [Fact]
    public async Task Disconnect_revokes_both_tokens_at_the_provider_then_clears_the_session()
    {
        _app.Provider.IssuingTokens().ServingApi();
        _app.Provider.Revoke = _ => new HttpResponseMessage(HttpStatusCode.OK);
        using var browser = _app.CreateBrowser();
        var account = await Html.ParseAsync(await ClientFlow.ConnectAsync(browser));

        var form = account.QuerySelector<AngleSharp.Html.Dom.IHtmlFormElement>("form[action='/disconnect']")!;
        var home = await ClientFlow.FollowAsync(browser, await browser.SubmitAsync(form));

        var revocations = _app.Provider.Requests.Where(r => r.Uri.AbsolutePath == "/oauth/revoke").ToList();
        Assert.Equal([_app.Provider.Issued[0].RefreshToken, _app.Provider.Issued[0].AccessToken], revocations.Select(r => r.Form["token"]));
        Assert.Equal(["refresh_token", "access_token"], revocations.Select(r => r.Form["token_type_hint"]));
        Assert.Contains("Disconnected", (await Html.ParseAsync(home)).QuerySelector(".flash")!.TextContent);
        await ClientFlow.AssertConnectOfferedAsync(browser);
    }

    [Theory]
    [InlineData("AgilePlanner:ClientSecret", "", "AgilePlanner:ClientSecret is missing")]
    [InlineData("AgilePlanner:ClientId", "", "AgilePlanner:ClientId is missing")]
    [InlineData("AgilePlanner:TokenEndpoint", "not a url", "AgilePlanner:TokenEndpoint must be an absolute http or https URL")]
    [InlineData("AgilePlanner:AuthorizationEndpoint", "/relative", "AgilePlanner:AuthorizationEndpoint must be an absolute http or https URL")]
    [InlineData("AgilePlanner:ApiBaseUrl", "", "AgilePlanner:ApiBaseUrl is missing")]
    [InlineData("AgilePlanner:Issuer", "ftp://provider.test/", "AgilePlanner:Issuer must be an absolute http or https URL")]
    [InlineData("AgilePlanner:Scopes", "read <script>", "AgilePlanner:Scopes must be")]
    [InlineData("AgilePlanner:CallbackPath", "callback", "AgilePlanner:CallbackPath must be a path")]
    [InlineData("AgilePlanner:ApiCacheDuration", "-00:00:01", "AgilePlanner:ApiCacheDuration must be between")]
    public void Bad_settings_stop_the_app_at_start_with_a_message_naming_the_key(string key, string value, string message)
    {
        _app.With(key, value);

        var failure = Assert.ThrowsAny<Exception>(() => _app.CreateClient());

        var validation = failure as OptionsValidationException ?? failure.InnerException as OptionsValidationException;
        // Under load the test host can read the app's services after the failed start disposed them, and throws that
        // instead; the host's own "failed to start" line still carries the validation failure the app raised.
        var reported = validation?.Message
            ?? (failure is ObjectDisposedException ? _app.Logs.Lines.FirstOrDefault(l => l.Contains("OptionsValidationException", StringComparison.Ordinal)) : null)
            ?? throw new Xunit.Sdk.XunitException($"Expected an options validation failure, got {failure}");
        Assert.Contains(message, reported);
        Assert.DoesNotContain(ClientAppFactory.ClientSecret, reported);
    }

    private static string SessionCookie(HttpResponseMessage response) =>
        response.Headers.GetValues("Set-Cookie").Single(c => c.StartsWith("AgilePlanner=", StringComparison.Ordinal)).Split(';')[0];

    public async ValueTask DisposeAsync()
    {
        await _app.DisposeAsync();
        Assert.Empty(_app.Provider.Unexpected);
    }
}
