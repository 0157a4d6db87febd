using System.Net;
using AgilePlanner.WebApp.Flow;
using AgilePlanner.WebApp.Tests.Infrastructure;

namespace AgilePlanner.WebApp.Tests.WebApp;

/// <summary>Every way the callback can go wrong gets its own page, and none of them reaches the token endpoint.</summary>
public sealed class CallbackErrorTests : IAsyncDisposable
{
    private readonly ClientAppFactory _app = new();

    private static string State(Uri authorize) => Uri.EscapeDataString(ClientFlow.Query(authorize)["state"]);

    private const string Iss = "iss=https%3A%2F%2Fprovider.test%2F";

    [Fact]
    public async Task Deny_shows_that_it_was_the_users_choice_with_the_providers_description_and_connect_again()
    {
        using var browser = _app.CreateBrowser();
        var authorize = await ClientFlow.StartAsync(browser, "/connect?returnUrl=%2Fprojects");

        var callback = await ClientFlow.CallbackAsync(browser,
            $"error=access_denied&error_description=The+user+denied+the+request&state={State(authorize)}&{Iss}");

        Assert.Equal("/callback/error/access_denied", callback.Headers.Location?.OriginalString);
        var (response, page) = await Follow(browser, callback);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("You chose not to connect", page.QuerySelector("h1")?.TextContent);
        Assert.Equal("The user denied the request", page.QuerySelector("[data-field=error_description]")?.TextContent);
        var connect = page.QuerySelectorAll("main a").Single(a => a.TextContent.Trim() == "Connect Agile Planner");
        Assert.Equal("/connect?returnUrl=%2Fprojects", connect.GetAttribute("href"));
        Assert.Empty(_app.Provider.TokenRequests);
    }

    [Theory]
    [InlineData("invalid_request", "Agile Planner could not accept the request")]
    [InlineData("invalid_scope", "This app's registration does not include the access it asked for")]
    [InlineData("unauthorized_client", "This app is not allowed to connect this way")]
    [InlineData("unsupported_response_type", "Agile Planner does not support this kind of request")]
    [InlineData("server_error", "Agile Planner had a problem")]
    [InlineData("temporarily_unavailable", "Agile Planner is busy right now")]
    [InlineData("something_new", "Agile Planner answered with an error")]
    public async Task Each_provider_error_has_its_own_page_showing_what_the_provider_said(string error, string title)
    {
        using var browser = _app.CreateBrowser();
        var authorize = await ClientFlow.StartAsync(browser);

        var callback = await ClientFlow.CallbackAsync(browser,
            $"error={error}&error_description=Details+from+the+provider&error_uri=https%3A%2F%2Fprovider.test%2Fhelp&state={State(authorize)}&{Iss}");
        var (_, page) = await Follow(browser, callback);

        Assert.Equal(title, page.QuerySelector("h1")?.TextContent);
        Assert.Equal(error, page.QuerySelector("[data-field=error]")?.TextContent);
        Assert.Equal("Details from the provider", page.QuerySelector("[data-field=error_description]")?.TextContent);
        Assert.Equal("https://provider.test/help", page.QuerySelector("[data-field=error_uri]")?.TextContent);
        Assert.DoesNotContain("Details", callback.Headers.Location!.OriginalString);
        Assert.Empty(_app.Provider.TokenRequests);
    }

    [Fact]
    public async Task Invalid_scope_says_the_registration_lacks_the_scope_and_where_to_add_it()
    {
        using var browser = _app.CreateBrowser();
        var authorize = await ClientFlow.StartAsync(browser, "/connect?scope=write");

        var (_, page) = await Follow(browser, await ClientFlow.CallbackAsync(browser, $"error=invalid_scope&state={State(authorize)}&{Iss}"));

        var problem = page.QuerySelector("section.problem")!.TextContent;
        Assert.Equal("This app's registration does not include the access it asked for", page.QuerySelector("h1")?.TextContent);
        Assert.Contains("registration at Agile Planner does not include it", problem);
        Assert.Contains("developer portal", problem);
        Assert.Contains("/sandbox/developers", problem);
        Assert.DoesNotContain("client id", problem);
        Assert.DoesNotContain("callback URL", problem);
    }

    [Fact]
    public async Task The_what_arrived_box_shows_the_callback_as_it_came_with_state_masked()
    {
        using var browser = _app.CreateBrowser();
        var authorize = await ClientFlow.StartAsync(browser);
        var state = ClientFlow.Query(authorize)["state"];

        var (response, page) = await Follow(browser, await ClientFlow.CallbackAsync(browser,
            $"error=invalid_scope&error_description=Scope+write+is+not+registered&state={State(authorize)}&{Iss}"));
        var html = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);

        var arrived = page.QuerySelector("[data-field=arrived]")!.TextContent;
        Assert.Equal($"/callback?error=invalid_scope&error_description=Scope+write+is+not+registered&state={Masking.Mask(Uri.EscapeDataString(state))}&{Iss}", arrived);
        Assert.DoesNotContain(state, html);
        Assert.DoesNotContain(Uri.EscapeDataString(state), html);
    }

    [Fact]
    public async Task The_what_arrived_box_masks_a_code_and_encodes_what_came_with_it()
    {
        const string code = "SplxlOBeZQQYbYS6WxSbIA-a-long-authorization-code";
        _app.Provider.Token = (_, _) => Task.FromResult(ProviderDouble.Json(HttpStatusCode.BadRequest, new { error = "invalid_grant" }));
        using var browser = _app.CreateBrowser();
        var authorize = await ClientFlow.StartAsync(browser);

        var (response, page) = await Follow(browser, await ClientFlow.CallbackAsync(browser,
            ClientFlow.Allowed(authorize, code) + "&note=%3Cscript%3Ealert(1)%3C%2Fscript%3E"));
        var html = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);

        Assert.Equal("The authorization was not accepted", page.QuerySelector("h1")?.TextContent);
        var arrived = page.QuerySelector("[data-field=arrived]")!.TextContent;
        Assert.StartsWith($"/callback?code={Masking.Mask(code)}&state=", arrived);
        Assert.EndsWith($"&{Iss}&note=%3Cscript%3Ealert(1)%3C%2Fscript%3E", arrived);
        Assert.DoesNotContain(code, html);
        Assert.Empty(page.QuerySelectorAll("main script"));
    }

    [Fact]
    public async Task The_what_arrived_box_of_an_answer_from_another_issuer_shows_its_names_and_iss_only()
    {
        using var browser = _app.CreateBrowser();
        var authorize = await ClientFlow.StartAsync(browser);

        var (_, page) = await Follow(browser, await ClientFlow.CallbackAsync(browser,
            $"error=access_denied&error_description=Call+0800+PHISHING+for+your+refund&state={State(authorize)}&iss=https%3A%2F%2Fevil.test%2F"));

        Assert.Equal($"/callback?error={Masking.Hidden}&error_description={Masking.Hidden}&state={Masking.Hidden}&iss=https%3A%2F%2Fevil.test%2F",
            page.QuerySelector("[data-field=arrived]")!.TextContent);
        Assert.DoesNotContain("PHISHING", page.Body!.TextContent);
    }

    [Fact]
    public async Task Provider_text_is_encoded_stripped_of_control_characters_and_length_limited()
    {
        using var browser = _app.CreateBrowser();
        var authorize = await ClientFlow.StartAsync(browser);
        var huge = new string('A', 100_000);
        var description = Uri.EscapeDataString("<script>alert(1)</script>\u0007\u202Ebell\r\nline") + "%FF%FE" + huge;

        var callback = await ClientFlow.CallbackAsync(browser,
            $"error=%3Cscript%3Ex&error_description={description}&error_uri=javascript%3Aalert(1)&state={State(authorize)}&{Iss}");
        var (response, page) = await Follow(browser, callback);
        var html = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.DoesNotContain("<script>", html);
        Assert.Empty(page.QuerySelectorAll("main script"));
        var shown = page.QuerySelector("[data-field=error_description]")!.TextContent;
        Assert.StartsWith("<script>alert(1)</script>bell line", shown);
        Assert.DoesNotContain('\u0007', shown);
        Assert.DoesNotContain('\u202E', shown);
        Assert.DoesNotContain('\uFFFD', shown);
        Assert.True(shown.Length <= 301, $"shown {shown.Length} characters");
        Assert.EndsWith("…", shown);
        Assert.True(html.Length < 20_000, $"page is {html.Length} characters");
        Assert.Empty(page.QuerySelectorAll("main a[href^=javascript]"));
        Assert.Equal("/callback/error/provider_error", callback.Headers.Location?.OriginalString);
    }

    [Theory]
    [InlineData("code=abc")]
    [InlineData("error=access_denied&error_description=Denied")]
    [InlineData("")]
    public async Task A_callback_without_state_is_refused_before_any_token_call(string query)
    {
        using var browser = _app.CreateBrowser();
        await ClientFlow.StartAsync(browser);

        var (_, page) = await Follow(browser, await ClientFlow.CallbackAsync(browser, query + "&" + Iss));

        Assert.Equal("This answer did not come from a sign-in started here", page.QuerySelector("h1")?.TextContent);
        Assert.Empty(_app.Provider.TokenRequests);
    }

    [Theory]
    [InlineData("code=abc&state=forged-state")]
    [InlineData("error=access_denied&state=forged-state")]
    [InlineData("code=abc&state=CfDJ8" + "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")]
    public async Task A_forged_state_is_refused_before_any_token_call(string query)
    {
        using var browser = _app.CreateBrowser();
        await ClientFlow.StartAsync(browser);

        var (_, page) = await Follow(browser, await ClientFlow.CallbackAsync(browser, query + "&" + Iss));

        Assert.Equal("This sign-in answer was not issued by this app", page.QuerySelector("h1")?.TextContent);
        Assert.Empty(_app.Provider.TokenRequests);
    }

    [Fact]
    public async Task Two_states_in_one_callback_are_refused()
    {
        using var browser = _app.CreateBrowser();
        var authorize = await ClientFlow.StartAsync(browser);

        var (_, page) = await Follow(browser, await ClientFlow.CallbackAsync(browser, $"code=abc&state={State(authorize)}&state={State(authorize)}&{Iss}"));

        Assert.Equal("This sign-in answer was not issued by this app", page.QuerySelector("h1")?.TextContent);
        Assert.Empty(_app.Provider.TokenRequests);
    }

    [Fact]
    public async Task A_replayed_callback_is_refused_and_the_code_is_exchanged_once()
    {
        _app.Provider.IssuingTokens().ServingApi();
        using var browser = _app.CreateBrowser();
        var authorize = await ClientFlow.StartAsync(browser);

        var first = await ClientFlow.CallbackAsync(browser, ClientFlow.Allowed(authorize));
        Assert.Equal("/account", first.Headers.Location?.OriginalString);
        var (_, page) = await Follow(browser, await ClientFlow.CallbackAsync(browser, ClientFlow.Allowed(authorize)));

        Assert.Equal("This sign-in was not started in this browser", page.QuerySelector("h1")?.TextContent);
        Assert.Single(_app.Provider.TokenRequests);
    }

    [Theory]
    [InlineData("code")]
    [InlineData("error")]
    public async Task A_callback_in_another_browser_is_refused_before_any_token_call(string outcome)
    {
        using var victim = _app.CreateBrowser();
        using var attacker = _app.CreateBrowser();
        var authorize = await ClientFlow.StartAsync(attacker);

        var query = outcome == "code" ? ClientFlow.Allowed(authorize) : $"error=access_denied&state={State(authorize)}&{Iss}";
        var (_, page) = await Follow(victim, await ClientFlow.CallbackAsync(victim, query));

        Assert.Equal("This sign-in was not started in this browser", page.QuerySelector("h1")?.TextContent);
        Assert.Empty(_app.Provider.TokenRequests);
        var (_, home) = await ClientFlow.PageAsync(victim, "/");
        Assert.Contains("Connect your Agile Planner account", home.QuerySelector("main")!.TextContent);
    }

    [Fact]
    public async Task A_sign_in_that_sat_too_long_is_refused_as_expired()
    {
        _app.Provider.IssuingTokens().ServingApi();
        using var browser = _app.CreateBrowser();
        var authorize = await ClientFlow.StartAsync(browser);

        _app.Time.Advance(TimeSpan.FromMinutes(16));
        var (_, page) = await Follow(browser, await ClientFlow.CallbackAsync(browser, ClientFlow.Allowed(authorize)));

        Assert.Equal("The sign-in took too long", page.QuerySelector("h1")?.TextContent);
        Assert.Empty(_app.Provider.TokenRequests);
    }

    [Theory]
    [InlineData("")]
    [InlineData("&iss=https%3A%2F%2Fevil.test%2F")]
    [InlineData("&iss=https%3A%2F%2Fprovider.test")]
    [InlineData("&iss=https%3A%2F%2Fprovider.test%2F&iss=https%3A%2F%2Fprovider.test%2F")]
    public async Task A_missing_or_different_issuer_is_refused_before_any_token_call(string iss)
    {
        _app.Provider.IssuingTokens().ServingApi();
        using var browser = _app.CreateBrowser();
        var authorize = await ClientFlow.StartAsync(browser);

        var (_, page) = await Follow(browser, await ClientFlow.CallbackAsync(browser, $"code=abc&state={State(authorize)}{iss}"));

        Assert.Equal("The answer came from a different server", page.QuerySelector("h1")?.TextContent);
        Assert.Empty(_app.Provider.TokenRequests);
    }

    [Fact]
    public async Task An_error_answer_from_another_issuer_is_refused_too()
    {
        using var browser = _app.CreateBrowser();
        var authorize = await ClientFlow.StartAsync(browser);

        var (_, page) = await Follow(browser, await ClientFlow.CallbackAsync(browser,
            $"error=access_denied&error_description=Phished&state={State(authorize)}&iss=https%3A%2F%2Fevil.test%2F"));

        Assert.Equal("The answer came from a different server", page.QuerySelector("h1")?.TextContent);
        Assert.DoesNotContain("Phished", page.Body!.TextContent);
    }

    [Fact]
    public async Task A_callback_with_neither_code_nor_error_says_so()
    {
        using var browser = _app.CreateBrowser();
        var authorize = await ClientFlow.StartAsync(browser);

        var (_, page) = await Follow(browser, await ClientFlow.CallbackAsync(browser, $"state={State(authorize)}&{Iss}"));

        Assert.Equal("The answer carried no authorization code", page.QuerySelector("h1")?.TextContent);
        Assert.Empty(_app.Provider.TokenRequests);
    }

    [Fact]
    public async Task The_callback_sends_no_referrer_and_never_a_server_error()
    {
        using var browser = _app.CreateBrowser();

        using var response = await ClientFlow.CallbackAsync(browser, "code=%ZZ&state=%&error_description=%FF");

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("no-referrer", string.Join(",", response.Headers.GetValues("Referrer-Policy")));
    }

    [Fact]
    public async Task An_unknown_error_page_code_is_not_found()
    {
        using var browser = _app.CreateBrowser();

        var (response, page) = await ClientFlow.PageAsync(browser, "/callback/error/%3Cscript%3E");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("Page not found", page.QuerySelector("h1")?.TextContent);
    }

    private static async Task<(HttpResponseMessage, AngleSharp.Html.Dom.IHtmlDocument)> Follow(HttpClient browser, HttpResponseMessage callback)
    {
        Assert.Equal(HttpStatusCode.Redirect, callback.StatusCode);
        Assert.StartsWith("/callback/error/", callback.Headers.Location?.OriginalString);
        var response = await ClientFlow.FollowAsync(browser, callback);
        return (response, await Html.ParseAsync(response));
    }

    public async ValueTask DisposeAsync()
    {
        await _app.DisposeAsync();
        Assert.Empty(_app.Provider.Unexpected);
    }
}
