using System.Net;
using AgilePlanner.WebApp.Tests.Infrastructure;
using AngleSharp.Html.Dom;

namespace AgilePlanner.WebApp.Tests.Sandbox;

/// <summary>The developer portal through its forms: register, one-time secret, validation, callbacks, rotation, deletion.</summary>
public sealed class DeveloperPortalTests : IAsyncLifetime
{
    private const string Callback = "http://localhost:5080/callback";
    private readonly AgilePlannerAppFactory _app = new();

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Portal_asks_a_visitor_to_sign_in_first()
    {
        using var visitor = SandboxUser.Anonymous(_app);

        using var response = await visitor.Browser.GetAsync("/sandbox/developers", Cancel);

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/sandbox/signin", response.Headers.Location!.AbsolutePath);
        Assert.Contains("returnUrl=%2Fsandbox%2Fdevelopers", response.Headers.Location.Query);
    }

    [Fact]
    public async Task Registering_shows_the_client_id_and_secret_once_and_the_app_connects_with_them()
    {
        using var developer = await SandboxUser.SignUpAsync(_app);

        var (client, page) = await RegisterAsync(developer, "My Planner Client", Callback, write: true);

        Assert.StartsWith("ap_", client.ClientId);
        Assert.True(client.ClientSecret.Length >= 40);
        var config = page.QuerySelector("#config-lines")!.TextContent;
        Assert.Contains($"AgilePlanner__ClientId={client.ClientId}", config);
        Assert.Contains($"AgilePlanner__ClientSecret={client.ClientSecret}", config);
        Assert.Contains("AgilePlanner__Scopes=read write", config);
        Assert.NotEmpty(page.QuerySelectorAll("button[data-copy-target='client-secret']"));
        Assert.Equal("/sandbox/assets/copy.js", page.QuerySelector("script")!.GetAttribute("src"));
        Assert.All(page.QuerySelectorAll("script"), script => Assert.Equal("", script.TextContent.Trim()));

        var list = await developer.GetPageAsync("/sandbox/developers");
        var edit = await developer.GetPageAsync($"/sandbox/developers/{client.ClientId}");
        Assert.Contains(client.ClientId, list.QuerySelector("#apps")!.TextContent);
        Assert.DoesNotContain(client.ClientSecret, list.DocumentElement.OuterHtml);
        Assert.DoesNotContain(client.ClientSecret, edit.DocumentElement.OuterHtml);

        using var ada = await SandboxUser.SignInAsync(_app);
        var request = AuthorizationRequest.For(client);
        using var consent = await ada.StartAuthorizationAsync(request);
        Assert.Equal("My Planner Client", (await Html.ParseAsync(consent)).QuerySelector("#application-name")!.TextContent);
        var tokens = await ada.GetTokensAsync(client: client);
        using var http = _app.CreateClient();
        using var me = await SandboxTokens.GetApiAsync(http, "/me", tokens.AccessToken);
        Assert.Equal(HttpStatusCode.OK, me.StatusCode);
    }

    [Theory]
    [InlineData("", "Add at least one callback URL")]
    [InlineData("http://app.example/callback", "uses http: only localhost, 127.0.0.1 and [::1] may")]
    [InlineData("https://*.example/callback", "contains a wildcard")]
    [InlineData("https://app.example/callback#done", "has a fragment")]
    [InlineData("/callback", "is not an absolute URL")]
    [InlineData("ftp://app.example/callback", "is not an absolute URL")]
    [InlineData("https://user@app.example/callback", "has a user name in it")]
    public async Task Bad_callback_urls_are_refused_with_a_clear_message(string callbackUrls, string message)
    {
        using var developer = await SandboxUser.SignUpAsync(_app);

        using var response = await SubmitRegistrationAsync(developer, "App", callbackUrls, read: true);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var page = await Html.ParseAsync(response);
        Assert.Contains(message, page.QuerySelector("[data-valmsg-for='CallbackUrls']")!.TextContent);
        Assert.Null(page.QuerySelector("#client-secret"));
    }

    [Fact]
    public async Task Name_and_a_scope_are_required()
    {
        using var developer = await SandboxUser.SignUpAsync(_app);

        using var response = await SubmitRegistrationAsync(developer, "", Callback, read: false);

        var page = await Html.ParseAsync(response);
        Assert.Contains("Give your application a name", page.QuerySelector("[data-valmsg-for='Name']")!.TextContent);
        Assert.Contains("Choose at least one scope", page.QuerySelector("[data-valmsg-for='ScopeRead']")!.TextContent);
    }

    [Fact]
    public async Task Edited_callback_urls_take_effect_at_the_authorization_endpoint()
    {
        using var developer = await SandboxUser.SignUpAsync(_app);
        var (client, _) = await RegisterAsync(developer, "Moving App", "https://old.example/callback");
        var edit = await developer.GetPageAsync($"/sandbox/developers/{client.ClientId}");
        var form = (IHtmlFormElement)edit.QuerySelector("form[action$='/callbacks']")!;

        using var bad = await developer.Browser.SubmitAsync(form, new Dictionary<string, string> { ["CallbackUrls"] = "http://new.example/callback" });
        Assert.Contains("uses http", (await Html.ParseAsync(bad)).QuerySelector("[data-valmsg-for='CallbackUrls']")!.TextContent);
        using var saved = await developer.Browser.SubmitAsync(form, new Dictionary<string, string> { ["CallbackUrls"] = "https://new.example/callback" });
        Assert.Equal(HttpStatusCode.Redirect, saved.StatusCode);

        using var oldCallback = await developer.StartAuthorizationAsync(AuthorizationRequest.For(client));
        using var newCallback = await developer.StartAuthorizationAsync(AuthorizationRequest.For(client with { RedirectUri = "https://new.example/callback" }));
        Assert.Equal(HttpStatusCode.BadRequest, oldCallback.StatusCode);
        Assert.Equal(HttpStatusCode.OK, newCallback.StatusCode);
    }

    [Fact]
    public async Task Rotating_the_secret_stops_the_old_one_at_once()
    {
        using var developer = await SandboxUser.SignUpAsync(_app);
        var (client, _) = await RegisterAsync(developer, "Rotating App", Callback);
        var tokens = await developer.GetTokensAsync(client: client);

        var edit = await developer.GetPageAsync($"/sandbox/developers/{client.ClientId}");
        using var rotated = await developer.Browser.SubmitAsync((IHtmlFormElement)edit.QuerySelector("form[action$='/secret']")!);
        Assert.Equal(HttpStatusCode.Redirect, rotated.StatusCode);
        var newSecret = (await developer.GetPageAsync(rotated.Headers.Location!.OriginalString)).QuerySelector("#client-secret")!.TextContent.Trim();

        Assert.NotEqual(client.ClientSecret, newSecret);
        using var http = _app.CreateClient();
        using var withOld = await SandboxTokens.RefreshAsync(http, tokens.RefreshToken!, client);
        Assert.Equal(HttpStatusCode.Unauthorized, withOld.StatusCode);
        Assert.Equal("invalid_client", (await SandboxTokens.ReadAsync(withOld)).Error);
        using var withNew = await SandboxTokens.RefreshAsync(http, tokens.RefreshToken!, client with { ClientSecret = newSecret });
        Assert.Equal(HttpStatusCode.OK, withNew.StatusCode);
    }

    [Fact]
    public async Task Deleting_an_app_ends_its_tokens_at_once()
    {
        using var developer = await SandboxUser.SignUpAsync(_app);
        var (client, _) = await RegisterAsync(developer, "Short-lived App", Callback);
        using var ada = await SandboxUser.SignInAsync(_app);
        var tokens = await ada.GetTokensAsync(client: client);
        using var http = _app.CreateClient();
        using var before = await SandboxTokens.GetApiAsync(http, "/me", tokens.AccessToken);
        Assert.Equal(HttpStatusCode.OK, before.StatusCode);

        var edit = await developer.GetPageAsync($"/sandbox/developers/{client.ClientId}");
        using var deleted = await developer.Browser.SubmitAsync((IHtmlFormElement)edit.QuerySelector("form[action$='/delete']")!);

        Assert.Equal(HttpStatusCode.Redirect, deleted.StatusCode);
        using var after = await SandboxTokens.GetApiAsync(http, "/me", tokens.AccessToken);
        Assert.Equal(HttpStatusCode.Unauthorized, after.StatusCode);
        using var refresh = await SandboxTokens.RefreshAsync(http, tokens.RefreshToken!, client);
        Assert.Equal(HttpStatusCode.Unauthorized, refresh.StatusCode);
        var list = await developer.GetPageAsync("/sandbox/developers");
        Assert.NotNull(list.QuerySelector("#no-apps"));
    }

    [Fact]
    public async Task Another_account_cannot_see_or_change_the_app()
    {
        using var developer = await SandboxUser.SignUpAsync(_app);
        var (client, _) = await RegisterAsync(developer, "Private App", Callback);
        using var ada = await SandboxUser.SignInAsync(_app);

        using var page = await ada.Browser.GetAsync($"/sandbox/developers/{client.ClientId}", Cancel);
        var list = await ada.GetPageAsync("/sandbox/developers");

        Assert.Equal(HttpStatusCode.NotFound, page.StatusCode);
        Assert.DoesNotContain(client.ClientId, list.DocumentElement.OuterHtml);
    }

    [Fact]
    public async Task A_new_registration_offers_read_and_write_ticked_each_with_what_it_allows()
    {
        using var developer = await SandboxUser.SignUpAsync(_app);

        var page = await developer.GetPageAsync("/sandbox/developers/new");

        Assert.True(((IHtmlInputElement)page.QuerySelector("input[type=checkbox][name=ScopeRead]")!).IsChecked);
        Assert.True(((IHtmlInputElement)page.QuerySelector("input[type=checkbox][name=ScopeWrite]")!).IsChecked);
        Assert.Contains("projects, iterations and stories", page.QuerySelector("label[for=ScopeRead]")!.TextContent);
        Assert.Contains("Add new stories", page.QuerySelector("label[for=ScopeWrite]")!.TextContent);
    }

    [Fact]
    public async Task Reloading_after_registering_registers_nothing_and_shows_the_secret_no_more()
    {
        using var developer = await SandboxUser.SignUpAsync(_app);
        using var posted = await SubmitRegistrationAsync(developer, "Reload App", Callback, read: true);
        Assert.Equal(HttpStatusCode.Redirect, posted.StatusCode);
        var secretPage = posted.Headers.Location!.OriginalString;

        var first = await developer.GetPageAsync(secretPage);
        var secret = first.QuerySelector("#client-secret")!.TextContent.Trim();
        using var reload = await developer.Browser.GetAsync(secretPage, Cancel);
        var reloaded = await Html.ParseAsync(reload);

        Assert.True(secret.Length >= 40);
        Assert.Equal(HttpStatusCode.OK, reload.StatusCode);
        Assert.Null(reloaded.QuerySelector("#client-secret"));
        Assert.DoesNotContain(secret, reloaded.DocumentElement.OuterHtml, StringComparison.Ordinal);
        Assert.Contains("shown only once", reloaded.QuerySelector(".notice")!.TextContent);
        var list = await developer.GetPageAsync("/sandbox/developers");
        Assert.Single(list.QuerySelectorAll("#apps tbody tr"));
    }

    [Theory]
    [InlineData("Agile Planner Connect")]
    [InlineData("  agile   planner CONNECT ")]
    [InlineData("Agile\u200BPlanner Connect")]
    [InlineData("\uFF21gile Planner Connect")]
    [InlineData("Other App")]
    [InlineData("My planner client")]
    public async Task A_name_like_an_existing_or_seeded_apps_is_refused(string escaped)
    {
        SandboxClient.RegisterOther(_app);
        using var developer = await SandboxUser.SignUpAsync(_app);
        await RegisterAsync(developer, "My Planner Client", Callback);

        using var response = await SubmitRegistrationAsync(developer, System.Text.RegularExpressions.Regex.Unescape(escaped), Callback, read: true);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var page = await Html.ParseAsync(response);
        Assert.Contains("already exists", page.QuerySelector("[data-valmsg-for='Name']")!.TextContent);
        Assert.Single((await developer.GetPageAsync("/sandbox/developers")).QuerySelectorAll("#apps tbody tr"));
    }

    [Fact]
    public async Task The_consent_page_says_who_registered_a_portal_app_and_that_it_is_unverified_but_not_for_a_seeded_one()
    {
        using var developer = await SandboxUser.SignUpAsync(_app, name: "Mallory Example", company: "Lookalike Ltd");
        var (client, _) = await RegisterAsync(developer, "Story Helper", Callback);
        using var ada = await SandboxUser.SignInAsync(_app);

        using var portalConsent = await ada.StartAuthorizationAsync(AuthorizationRequest.For(client));
        using var seededConsent = await ada.StartAuthorizationAsync(new AuthorizationRequest());

        var portalPage = await Html.ParseAsync(portalConsent);
        Assert.Equal("Mallory Example (Lookalike Ltd)", portalPage.QuerySelector("#registered-by")!.TextContent);
        Assert.Contains("Agile Planner has not verified this application", portalPage.QuerySelector("#unverified")!.TextContent);
        Assert.Null((await Html.ParseAsync(seededConsent)).QuerySelector("#unverified"));
    }

    [Fact]
    public async Task Asking_for_a_scope_the_registration_lacks_answers_invalid_scope_at_the_callback()
    {
        using var developer = await SandboxUser.SignUpAsync(_app);
        var (client, _) = await RegisterAsync(developer, "Read Only App", Callback, write: false);
        using var ada = await SandboxUser.SignInAsync(_app);
        var request = AuthorizationRequest.For(client, "read write");

        using var response = await ada.StartAuthorizationAsync(request);

        var callback = CallbackParameters.From(response);
        Assert.Equal(HttpStatusCode.Redirect, callback.Status);
        Assert.StartsWith(Callback + "?", callback.Location!.ToString());
        Assert.Equal("invalid_scope", callback.Error);
        Assert.Contains("does not include the 'write' scope", callback.ErrorDescription);
        Assert.Equal(request.State, callback.State);
        Assert.Null(callback.Code);
    }

    /// <summary>Registers an application through the portal's form and reads the one-time secret page.</summary>
    internal static async Task<(SandboxClient Client, IHtmlDocument SecretPage)> RegisterAsync(
        SandboxUser developer, string name, string callbackUrl, bool write = false)
    {
        using var response = await SubmitRegistrationAsync(developer, name, callbackUrl, read: true, write);
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        var page = await developer.GetPageAsync(response.Headers.Location!.OriginalString);
        var clientId = page.QuerySelector("#client-id")?.TextContent.Trim() ?? throw new InvalidOperationException("No client id shown.");
        var secret = page.QuerySelector("#client-secret")!.TextContent.Trim();
        return (new SandboxClient(clientId, secret, callbackUrl.Split('\n')[0].Trim()), page);
    }

    private static async Task<HttpResponseMessage> SubmitRegistrationAsync(
        SandboxUser developer, string name, string callbackUrls, bool read, bool write = false)
    {
        var page = await developer.GetPageAsync("/sandbox/developers/new");
        var form = (IHtmlFormElement)page.QuerySelector("form[action='/sandbox/developers/new']")!;
        ((IHtmlInputElement)form.Elements["ScopeRead"]!).IsChecked = read;
        ((IHtmlInputElement)form.Elements["ScopeWrite"]!).IsChecked = write;
        return await developer.Browser.SubmitAsync(form, new Dictionary<string, string>
        {
            ["Name"] = name,
            ["CallbackUrls"] = callbackUrls,
            ["Description"] = "Registered by a test.",
        });
    }

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public ValueTask DisposeAsync() => _app.DisposeAsync();
}
