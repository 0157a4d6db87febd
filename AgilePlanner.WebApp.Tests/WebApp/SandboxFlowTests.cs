using System.Net;
using System.Text.Json;
using AgilePlanner.WebApp.Tests.Infrastructure;
using AngleSharp.Dom;
using AngleSharp.Html.Dom;

namespace AgilePlanner.WebApp.Tests.WebApp;

/// <summary>The whole flow as a user clicks it, against the in-process sandbox: nothing faked.</summary>
public sealed class SandboxFlowTests : IAsyncDisposable
{
    private readonly SandboxAppFactory _app = new();
    private readonly List<string> _seen = [];

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Connect_allow_browse_add_a_story_and_disconnect()
    {
        using var browser = _app.CreateBrowser();

        // Home, then Connect Agile Planner: the sandbox asks the visitor to sign in.
        var home = await OpenAsync(browser, "/");
        var signIn = await ClickAsync(browser, home.Page, "Connect Agile Planner");
        Assert.Equal("/sandbox/signin", signIn.Url.AbsolutePath);

        // The sandbox's sign-in form, then its consent page, then Allow.
        var consent = await SubmitAsync(browser, Form(signIn.Page, "form[action='/sandbox/signin']"),
            new Dictionary<string, string> { ["Email"] = SandboxUser.DemoEmail, ["Password"] = SandboxUser.DemoPassword });
        Assert.Contains("Agile Planner Connect", consent.Page.QuerySelector("h1")!.TextContent);
        var consentForm = Form(consent.Page, "form[action='/sandbox/oauth/authorize']");
        var account = await SubmitAsync(browser, consentForm, button: consentForm.ButtonNamed("Allow"));

        // The account page, from GET /me.
        Assert.Equal("/account", account.Url.AbsolutePath);
        Assert.Equal("Ada Lovelace", account.Page.QuerySelector("[data-field=name]")?.TextContent);
        Assert.Equal(SandboxUser.DemoEmail, account.Page.QuerySelector("[data-field=email]")?.TextContent);
        var accessToken = TokenResponses().Last().GetProperty("access_token").GetString()!;

        // Projects, then one project's iterations and stories.
        var projects = await ClickAsync(browser, account.Page, "Your projects");
        var projectLinks = projects.Page.QuerySelectorAll(".project h2 a").ToList();
        Assert.True(projectLinks.Count >= 3, $"{projectLinks.Count} projects");
        var project = await OpenAsync(browser, projectLinks[0].GetAttribute("href")!);
        Assert.NotEmpty(project.Page.QuerySelectorAll(".iterations li"));
        Assert.NotEmpty(project.Page.QuerySelectorAll("table.stories tbody tr"));
        var started = await OpenAsync(browser, project.Url.AbsolutePath + "?state=started");
        Assert.All(started.Page.QuerySelectorAll("table.stories tbody tr td:nth-child(3)"), cell => Assert.Equal("started", cell.TextContent.Trim()));

        // A read-only connection offers "Allow writing", which asks the sandbox for write as well.
        Assert.Empty(project.Page.QuerySelectorAll("form.story-form"));
        var writeConsent = await ClickAsync(browser, project.Page, "Allow writing");
        var writeForm = Form(writeConsent.Page, "form[action='/sandbox/oauth/authorize']");
        var writable = await SubmitAsync(browser, writeForm, button: writeForm.ButtonNamed("Allow"));
        Assert.Equal(project.Url.AbsolutePath, writable.Url.AbsolutePath);
        Assert.Equal("read write", TokenResponses().Last().GetProperty("scope").GetString());

        // Add a story through the real form (antiforgery token included).
        var added = await SubmitAsync(browser, Form(writable.Page, "form.story-form"),
            new Dictionary<string, string> { ["Form.Title"] = "Print the Bernoulli table", ["Form.Type"] = "feature", ["Form.Points"] = "3" });
        Assert.Equal("Story “Print the Bernoulli table” added.", added.Page.QuerySelector(".flash")?.TextContent);
        Assert.Contains(_app.BackChannel, e => e.Method == "POST" && e.Uri.AbsolutePath.EndsWith("/stories", StringComparison.Ordinal) && e.Status == 201);
        var writeToken = TokenResponses().Last().GetProperty("access_token").GetString()!;

        // Disconnect revokes at the sandbox and ends the session: the token no longer opens the API.
        var afterDisconnect = await SubmitAsync(browser, Form(added.Page, "form[action='/disconnect']"));
        Assert.Equal("/", afterDisconnect.Url.AbsolutePath);
        Assert.Equal("Disconnected. Agile Planner has cancelled this app's access.", afterDisconnect.Page.QuerySelector(".flash")?.TextContent);
        // The sandbox still has Ada signed in: the page says so and links to its page with the Sign out button.
        var providerSession = afterDisconnect.Page.QuerySelector(".provider-session")!;
        Assert.Contains("still signed in at Agile Planner", providerSession.TextContent);
        var signOutPage = await ClickAsync(browser, afterDisconnect.Page, "Sign out at Agile Planner");
        Assert.Equal("/sandbox/account/apps", signOutPage.Url.AbsolutePath);
        var signOut = Form(signOutPage.Page, "form[action='/sandbox/signout']");
        Assert.Equal("Sign out", signOut.QuerySelector("button")?.TextContent.Trim());
        using var api = _app.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/sandbox/api/v1/me") { Headers = { Authorization = new("Bearer", writeToken) } };
        using var refused = await api.SendAsync(request, Cancel);
        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        var authorizeRequests = _seen.Count(seen => seen.Contains("/sandbox/oauth/authorize", StringComparison.Ordinal));
        await ClientFlow.AssertConnectOfferedAsync(browser);
        Assert.Equal(authorizeRequests, _seen.Count(seen => seen.Contains("/sandbox/oauth/authorize", StringComparison.Ordinal)));

        // Secrets never reached a page, a URL or a log line.
        var secrets = TokenResponses().SelectMany(t => new[] { t.GetProperty("access_token").GetString()!, t.GetProperty("refresh_token").GetString()! })
            .Append(accessToken).Append("sandbox-secret-not-for-production")
            .Concat(_app.BackChannel.Where(e => e.RequestBody.Contains("code_verifier=", StringComparison.Ordinal))
                .Select(e => Microsoft.AspNetCore.WebUtilities.QueryHelpers.ParseQuery(e.RequestBody)["code_verifier"].ToString()))
            .ToList();
        Assert.True(secrets.Count >= 6);
        var logs = _app.Logs.AllText;
        foreach (var secret in secrets)
        {
            Assert.DoesNotContain(secret, logs);
            Assert.All(_seen, seen => Assert.DoesNotContain(secret, seen));
        }
    }

    [Fact]
    public async Task Deny_at_the_sandbox_shows_the_users_choice()
    {
        using var ada = await SandboxUser.SignInAsync(_app);
        var browser = ada.Browser;

        var home = await OpenAsync(browser, "/");
        var consent = await ClickAsync(browser, home.Page, "Connect Agile Planner");
        var form = Form(consent.Page, "form[action='/sandbox/oauth/authorize']");
        var denied = await SubmitAsync(browser, form, button: form.ButtonNamed("Deny"));

        Assert.Equal("/callback/error/access_denied", denied.Url.AbsolutePath);
        Assert.Equal("You chose not to connect", denied.Page.QuerySelector("h1")?.TextContent);
        Assert.False(string.IsNullOrWhiteSpace(denied.Page.QuerySelector("[data-field=error_description]")?.TextContent));
        Assert.DoesNotContain(_app.BackChannel, e => e.Uri.AbsolutePath.EndsWith("/oauth/token", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Access_revoked_at_the_sandbox_shows_the_revoked_page_on_the_next_api_call()
    {
        using var ada = await SandboxUser.SignInAsync(_app);
        var browser = ada.Browser;
        await ConnectAndAllowAsync(browser);
        var tokens = TokenResponses().Last();

        // What Revoke access at the provider does: the refresh token (and with it the grant) is revoked.
        using var http = _app.CreateClient();
        foreach (var (token, hint) in new[] { (tokens.GetProperty("refresh_token").GetString()!, "refresh_token"), (tokens.GetProperty("access_token").GetString()!, "access_token") })
        {
            using var revoke = await http.PostAsync("/sandbox/oauth/revoke", new FormUrlEncodedContent(new Dictionary<string, string>
            {
                ["token"] = token, ["token_type_hint"] = hint, ["client_id"] = "agile-planner-connect", ["client_secret"] = "sandbox-secret-not-for-production",
            }), Cancel);
            Assert.Equal(HttpStatusCode.OK, revoke.StatusCode);
        }

        var revoked = await OpenAsync(browser, "/projects");

        Assert.Equal("Agile Planner access was revoked", revoked.Page.QuerySelector("h1")?.TextContent);
        await ClientFlow.AssertConnectOfferedAsync(browser);
    }

    [Fact]
    public async Task The_account_page_right_after_revoke_access_at_the_sandbox_shows_the_revoked_page_not_the_cached_account()
    {
        using var ada = await SandboxUser.SignInAsync(_app);
        var browser = ada.Browser;
        await ConnectAndAllowAsync(browser);

        // Revoke access at the sandbox's Connected apps, in the same browser, as the user would.
        var apps = await OpenAsync(browser, "/sandbox/account/apps");
        var revokeForm = Form(apps.Page, "form[action='/sandbox/account/apps/revoke']");
        await SubmitAsync(browser, revokeForm, button: revokeForm.ButtonNamed("Revoke access"));

        var after = await OpenAsync(browser, "/account");

        Assert.Equal("Agile Planner access was revoked", after.Page.QuerySelector("h1")?.TextContent);
        Assert.DoesNotContain("Ada Lovelace", after.Page.Body!.TextContent);
    }

    /// <summary>Connect and Allow as the signed-in demo user, landing on the account page.</summary>
    private async Task ConnectAndAllowAsync(HttpClient browser)
    {
        var consent = await OpenAsync(browser, "/connect");
        var form = Form(consent.Page, "form[action='/sandbox/oauth/authorize']");
        var account = await SubmitAsync(browser, form, button: form.ButtonNamed("Allow"));
        Assert.Equal("Ada Lovelace", account.Page.QuerySelector("[data-field=name]")?.TextContent);
    }

    private IEnumerable<JsonElement> TokenResponses() =>
        _app.BackChannel.Where(e => e.Uri.AbsolutePath == "/sandbox/oauth/token" && e.Status == 200)
            .Select(e => JsonDocument.Parse(e.ResponseBody).RootElement);

    private static IHtmlFormElement Form(IHtmlDocument page, string selector) =>
        page.QuerySelector<IHtmlFormElement>(selector) ?? throw new InvalidOperationException($"No {selector} on '{page.Title}'.");

    private async Task<Visit> ClickAsync(HttpClient browser, IHtmlDocument page, string linkText)
    {
        var link = page.QuerySelectorAll("a").FirstOrDefault(a => a.TextContent.Trim() == linkText)
            ?? throw new InvalidOperationException($"No link '{linkText}' on '{page.Title}'.");
        return await OpenAsync(browser, link.GetAttribute("href")!);
    }

    private async Task<Visit> OpenAsync(HttpClient browser, string url) =>
        await FollowAsync(browser, await browser.GetAsync(url, Cancel));

    private async Task<Visit> SubmitAsync(HttpClient browser, IHtmlFormElement form, IReadOnlyDictionary<string, string>? fields = null, IHtmlElement? button = null) =>
        await FollowAsync(browser, await browser.SubmitAsync(form, fields, button));

    /// <summary>Follows redirects as a browser would, keeping every URL and page it saw.</summary>
    private async Task<Visit> FollowAsync(HttpClient browser, HttpResponseMessage response)
    {
        for (var hops = 0; Redirects.IsRedirect(response); hops++)
        {
            Assert.True(hops < 12, "too many redirects");
            var location = response.Headers.Location!;
            _seen.Add(location.ToString());
            Assert.True(!location.IsAbsoluteUri || location.Host == "localhost", $"left the app for {location}");
            response = await browser.GetAsync(location, Cancel);
        }
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{(int)response.StatusCode} at {response.RequestMessage!.RequestUri}");
        var html = await response.Content.ReadAsStringAsync(Cancel);
        _seen.Add(html);
        _seen.Add(string.Join("\n", response.Headers.Select(h => $"{h.Key}: {string.Join(",", h.Value)}")));
        var url = response.RequestMessage!.RequestUri!;
        return new Visit(url, await Html.ParseAsync(response));
    }

    private sealed record Visit(Uri Url, IHtmlDocument Page);

    public ValueTask DisposeAsync() => _app.DisposeAsync();
}
