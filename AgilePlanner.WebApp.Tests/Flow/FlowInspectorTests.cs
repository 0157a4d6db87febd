using System.Net;
using AgilePlanner.WebApp.Flow;
using AgilePlanner.WebApp.Tests.Infrastructure;
using AngleSharp.Dom;
using AngleSharp.Html.Dom;

namespace AgilePlanner.WebApp.Tests.Flow;

/// <summary>The flow inspector at /flow, driven through real connections against a provider double.</summary>
public sealed class FlowInspectorTests : IAsyncDisposable
{
    private const string AccessToken = "access-token-6f1d2c9e8b7a4f3e2d1c0b9a8f7e6d5c";
    private const string RefreshToken = "refresh-token-0a1b2c3d4e5f60718293a4b5c6d7e8f9";
    private const string Code = "authorization-code-3c4d5e6f7a8b9c0d1e2f3a4b";

    private readonly ClientAppFactory _app = new();

    [Fact]
    public async Task A_full_flow_shows_all_five_steps_in_order_with_every_secret_masked()
    {
        IssuingFixedTokens();
        _app.Provider.ServingApi();
        using var browser = _app.CreateBrowser();

        var authorize = await ClientFlow.StartAsync(browser);
        var account = await ClientFlow.FollowAsync(browser, await ClientFlow.CallbackAsync(browser, ClientFlow.Allowed(authorize, Code)));
        Assert.Equal(HttpStatusCode.OK, account.StatusCode);
        var (html, page) = await FlowPageAsync(browser);

        Assert.Equal(
            ["Authorize", "Callback", "TokenRequest", "TokenResponse", "ApiCall"],
            Steps(page).Select(s => s.GetAttribute("data-kind")).Take(5));
        Assert.All(Steps(page), step =>
        {
            Assert.NotNull(step.QuerySelector("time[datetime]"));
            Assert.False(string.IsNullOrWhiteSpace(step.QuerySelector(".flow-explain")?.TextContent));
        });

        // 1. The authorize URL, a row and an explanation for each parameter.
        var parameters = Rows(Step(page, "Authorize"), "table.flow-parameters");
        // In the order the framework's OAuthHandler writes them.
        Assert.Equal(["client_id", "scope", "response_type", "redirect_uri", "code_challenge", "code_challenge_method", "state"], parameters.Keys);
        Assert.Equal("code", parameters["response_type"][0]);
        Assert.Equal("client-under-test", parameters["client_id"][0]);
        Assert.Equal(ClientFlow.Query(authorize)["code_challenge"], parameters["code_challenge"][0]);
        Assert.Equal(Masking.Mask(ClientFlow.Query(authorize)["state"]), parameters["state"][0]);
        Assert.All(parameters.Values, row => Assert.False(string.IsNullOrWhiteSpace(row[1])));

        // 2. What came back: the code masked, iss as sent.
        var callback = Rows(Step(page, "Callback"), "table.flow-parameters");
        Assert.Equal(Masking.Mask(Code), callback["code"][0]);
        Assert.Equal(ProviderDouble.Issuer, callback["iss"][0]);

        // 3. The token request: secret, code and verifier masked; the verifier shown to hash to the challenge.
        var tokenRequest = Step(page, "TokenRequest");
        var form = Rows(tokenRequest, "table.flow-form");
        var verifier = Assert.Single(_app.Provider.TokenRequests).Form["code_verifier"];
        Assert.Equal("authorization_code", form["grant_type"][0]);
        Assert.Equal(Masking.Mask(ClientAppFactory.ClientSecret), form["client_secret"][0]);
        Assert.Equal(Masking.Mask(Code), form["code"][0]);
        Assert.Equal(Masking.Mask(verifier), form["code_verifier"][0]);
        Assert.Contains("equals the code_challenge", tokenRequest.TextContent);
        Assert.Contains("POST " + ProviderDouble.TokenEndpoint, tokenRequest.QuerySelector(".flow-request")!.TextContent);

        // 4. The token response: status and JSON with the tokens masked.
        var tokenResponse = Step(page, "TokenResponse");
        Assert.Contains("200", tokenResponse.QuerySelector(".flow-response p")!.TextContent);
        var json = tokenResponse.QuerySelector("pre.json")!.TextContent;
        Assert.Contains($"\"access_token\": \"{Masking.Mask(AccessToken)}\"", json);
        Assert.Contains($"\"refresh_token\": \"{Masking.Mask(RefreshToken)}\"", json);
        Assert.Contains("\"expires_in\": 3600", json);

        // 5. API calls: the bearer header masked, status, size.
        var apiCall = Step(page, "ApiCall");
        Assert.Contains("GET " + ProviderDouble.ApiBaseUrl + "me", apiCall.TextContent);
        Assert.Equal("Bearer " + Masking.Mask(AccessToken), Rows(apiCall, ".flow-request table.flow-headers")["Authorization"][0]);
        Assert.Matches(@"200 OK</code>, \d+ bytes", apiCall.QuerySelector(".flow-response p")!.InnerHtml);

        foreach (var secret in new[] { ClientAppFactory.ClientSecret, Code, verifier, AccessToken, RefreshToken, ClientFlow.Query(authorize)["state"] })
        {
            Assert.DoesNotContain(secret, html);
            Assert.DoesNotContain(secret, page.Body!.TextContent);
            Assert.DoesNotContain(Uri.EscapeDataString(secret), html);
        }
    }

    [Fact]
    public async Task A_denied_flow_shows_the_error_step_and_no_token_request()
    {
        using var browser = _app.CreateBrowser();
        var authorize = await ClientFlow.StartAsync(browser);
        var state = Uri.EscapeDataString(ClientFlow.Query(authorize)["state"]);

        using var _ = await ClientFlow.CallbackAsync(browser,
            $"error=access_denied&error_description={Uri.EscapeDataString("The user denied access to Agile Planner Connect.")}&state={state}&iss={Uri.EscapeDataString(ProviderDouble.Issuer)}");
        var (_, page) = await FlowPageAsync(browser);

        Assert.Equal(["Authorize", "Callback", "Failure"], Steps(page).Select(s => s.GetAttribute("data-kind")));
        var callback = Step(page, "Callback");
        Assert.Contains("failed", callback.ClassList);
        Assert.Equal("access_denied", Rows(callback, "table.flow-parameters")["error"][0]);
        Assert.Contains("Access was denied (error=access_denied)", callback.QuerySelector(".flow-outcome")!.TextContent);
        Assert.Contains("The user denied access to Agile Planner Connect.", callback.QuerySelector(".flow-outcome")!.TextContent);
        Assert.Empty(_app.Provider.TokenRequests);
    }

    [Fact]
    public async Task A_failed_code_exchange_shows_the_providers_error()
    {
        _app.Provider.Token = (_, _) => Task.FromResult(ProviderDouble.Json(HttpStatusCode.BadRequest,
            new { error = "invalid_grant", error_description = "The authorization code has expired." }));
        using var browser = _app.CreateBrowser();

        var authorize = await ClientFlow.StartAsync(browser);
        using var _ = await ClientFlow.CallbackAsync(browser, ClientFlow.Allowed(authorize, Code));
        var (html, page) = await FlowPageAsync(browser);

        Assert.Equal(["Authorize", "Callback", "TokenRequest", "TokenResponse", "Failure"], Steps(page).Select(s => s.GetAttribute("data-kind")));
        var answer = Step(page, "TokenResponse");
        Assert.Contains("failed", answer.ClassList);
        Assert.Contains("\"error\": \"invalid_grant\"", answer.QuerySelector("pre")!.TextContent);
        Assert.DoesNotContain(ClientAppFactory.ClientSecret, html);
        Assert.DoesNotContain(Code, html);
    }

    [Fact]
    public async Task A_token_endpoint_that_does_not_answer_is_recorded_as_a_failure()
    {
        _app.Provider.Token = (_, _) => throw new HttpRequestException("Connection refused (provider.test:443)");
        using var browser = _app.CreateBrowser();

        var authorize = await ClientFlow.StartAsync(browser);
        using var _ = await ClientFlow.CallbackAsync(browser, ClientFlow.Allowed(authorize, Code));
        var (_, page) = await FlowPageAsync(browser);

        var failure = Steps(page).First(s => s.GetAttribute("data-kind") == "Failure");
        Assert.Contains("Connection refused", failure.TextContent);
        Assert.Contains("POST " + ProviderDouble.TokenEndpoint, failure.TextContent);
    }

    [Fact]
    public async Task Refreshes_and_revocations_appear_as_steps()
    {
        IssuingFixedTokens(expiresIn: 120);
        _app.Provider.ServingApi();
        _app.Provider.Revoke = _ => new HttpResponseMessage(HttpStatusCode.OK);
        using var browser = _app.CreateBrowser();
        var landed = await ClientFlow.ConnectAsync(browser);

        _app.Time.Advance(TimeSpan.FromSeconds(110));
        var account = await ClientFlow.GetPageAsync(browser, "/account");
        var disconnect = (await Html.ParseAsync(account)).QuerySelectorAll("form").OfType<IHtmlFormElement>().Single(f => f.Action.EndsWith("/disconnect", StringComparison.Ordinal));
        await browser.SubmitAsync(disconnect);
        var (html, page) = await FlowPageAsync(browser);

        var kinds = Steps(page).Select(s => s.GetAttribute("data-kind")).ToList();
        Assert.Contains("Refresh", kinds);
        Assert.Equal(2, kinds.Count(k => k == "Revocation"));
        Assert.True(kinds.IndexOf("Refresh") < kinds.IndexOf("Revocation"));
        var refresh = Step(page, "Refresh");
        Assert.Equal(Masking.Mask(RefreshToken), Rows(refresh, "table.flow-form")["refresh_token"][0]);
        Assert.DoesNotContain(RefreshToken, html);
        Assert.DoesNotContain(AccessToken, html);
        Assert.Equal(HttpStatusCode.OK, landed.StatusCode);
    }

    [Fact]
    public async Task Expire_the_access_token_now_makes_the_next_page_refresh_once_and_the_inspector_show_it()
    {
        IssuingFixedTokens();
        _app.Provider.ServingApi();
        using var browser = _app.CreateBrowser();
        await ClientFlow.ConnectAsync(browser);
        var (_, before) = await FlowPageAsync(browser);
        Assert.DoesNotContain("Refresh", Steps(before).Select(s => s.GetAttribute("data-kind")));

        var expire = before.QuerySelectorAll("form").OfType<IHtmlFormElement>().Single(f => f.Action.EndsWith("/flow/expire-access-token", StringComparison.Ordinal));
        Assert.Equal("Expire the access token now", expire.QuerySelector("button")?.TextContent.Trim());
        var expired = await ClientFlow.FollowAsync(browser, await browser.SubmitAsync(expire));
        Assert.Contains("now counts as expired", (await Html.ParseAsync(expired)).QuerySelector(".flash")?.TextContent);
        Assert.Single(_app.Provider.TokenRequests);

        var account = await ClientFlow.GetPageAsync(browser, "/account");
        Assert.Equal(HttpStatusCode.OK, account.StatusCode);
        await ClientFlow.GetPageAsync(browser, "/account");

        // Exactly one refresh, with the refresh token from the code exchange, not the clock's doing: time has not moved.
        var refreshes = _app.Provider.TokenRequests.Where(r => r.Form.GetValueOrDefault("grant_type") == "refresh_token").ToList();
        Assert.Equal(RefreshToken, Assert.Single(refreshes).Form["refresh_token"]);
        Assert.Equal(2, _app.Provider.TokenRequests.Count);
        var (_, after) = await FlowPageAsync(browser);
        var refresh = Step(after, "Refresh");
        Assert.Equal(Masking.Mask(RefreshToken), Rows(refresh, "table.flow-form")["refresh_token"][0]);
    }

    [Fact]
    public async Task Expire_the_access_token_now_without_its_antiforgery_token_changes_nothing()
    {
        IssuingFixedTokens();
        _app.Provider.ServingApi();
        using var browser = _app.CreateBrowser();
        await ClientFlow.ConnectAsync(browser);

        using var forged = await browser.PostAsync("/flow/expire-access-token", new FormUrlEncodedContent([]), TestContext.Current.CancellationToken);
        await ClientFlow.GetPageAsync(browser, "/account");

        Assert.Equal(HttpStatusCode.BadRequest, forged.StatusCode);
        Assert.Single(_app.Provider.TokenRequests);
    }

    [Fact]
    public async Task Another_browser_sees_no_record_and_no_link()
    {
        IssuingFixedTokens();
        _app.Provider.ServingApi();
        using var connected = _app.CreateBrowser();
        using var other = _app.CreateBrowser();
        await ClientFlow.ConnectAsync(connected);

        var (_, mine) = await FlowPageAsync(connected);
        var (otherHtml, theirs) = await FlowPageAsync(other);

        Assert.NotEmpty(Steps(mine));
        Assert.Empty(Steps(theirs));
        Assert.Contains("Nothing is recorded for this browser yet", theirs.QuerySelector(".flow-empty")!.TextContent);
        Assert.DoesNotContain("client-under-test", otherHtml);
        Assert.NotNull((await ClientFlow.PageAsync(connected, "/")).Page.QuerySelector("header a[href='/flow']"));
        Assert.Null((await ClientFlow.PageAsync(other, "/")).Page.QuerySelector("header a[href='/flow']"));
    }

    [Fact]
    public async Task A_callback_this_browser_never_started_is_recorded_with_a_note()
    {
        using var browser = _app.CreateBrowser();

        using var _ = await ClientFlow.CallbackAsync(browser, $"code={Code}&state=forged-state-value-1234567890");
        var (html, page) = await FlowPageAsync(browser);

        Assert.Equal(["Callback", "Failure"], Steps(page).Select(s => s.GetAttribute("data-kind")));
        Assert.Contains("No authorize request from this browser was on record", Step(page, "Callback").TextContent);
        Assert.DoesNotContain(Code, html);
        Assert.Empty(_app.Provider.TokenRequests);
    }

    [Fact]
    public async Task The_record_is_gone_after_thirty_minutes()
    {
        IssuingFixedTokens();
        _app.Provider.ServingApi();
        using var browser = _app.CreateBrowser();
        await ClientFlow.ConnectAsync(browser);

        _app.Time.Advance(TimeSpan.FromMinutes(31));
        var (_, page) = await FlowPageAsync(browser);

        Assert.Empty(Steps(page));
        Assert.NotNull(page.QuerySelector(".flow-empty"));
    }

    [Fact]
    public async Task Forgetting_the_record_needs_the_antiforgery_token_and_then_clears_it()
    {
        IssuingFixedTokens();
        _app.Provider.ServingApi();
        using var browser = _app.CreateBrowser();
        await ClientFlow.ConnectAsync(browser);

        using var forged = await browser.PostAsync("/flow/clear", new FormUrlEncodedContent([]), TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.BadRequest, forged.StatusCode);
        Assert.NotEmpty(Steps((await FlowPageAsync(browser)).Page));

        var (_, page) = await FlowPageAsync(browser);
        var form = page.QuerySelectorAll("form").OfType<IHtmlFormElement>().Single(f => f.Action.EndsWith("/flow/clear", StringComparison.Ordinal));
        await ClientFlow.FollowAsync(browser, await browser.SubmitAsync(form));

        Assert.Empty(Steps((await FlowPageAsync(browser)).Page));
    }

    public async ValueTask DisposeAsync()
    {
        await _app.DisposeAsync();
        Assert.Empty(_app.Provider.Unexpected);
    }

    private void IssuingFixedTokens(int expiresIn = 3600)
    {
        var issued = 0;
        _app.Provider.Token = (_, _) =>
        {
            // The first answer hands out the tokens the test looks for; refreshes rotate to others.
            var n = Interlocked.Increment(ref issued);
            return Task.FromResult(ProviderDouble.Json(HttpStatusCode.OK, new
            {
                access_token = n == 1 ? AccessToken : $"access-token-rotated-{n}-{Guid.NewGuid():N}",
                token_type = "Bearer",
                expires_in = expiresIn,
                refresh_token = n == 1 ? RefreshToken : $"refresh-token-rotated-{n}-{Guid.NewGuid():N}",
                scope = "read",
            }));
        };
    }

    private static async Task<(string Html, IHtmlDocument Page)> FlowPageAsync(HttpClient browser)
    {
        using var response = await browser.GetAsync("/flow", TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.True(response.Headers.CacheControl?.NoStore);
        var html = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        return (html, await Html.ParseAsync(response));
    }

    private static IReadOnlyList<IElement> Steps(IHtmlDocument page) => page.QuerySelectorAll("section.flow-step").ToList();

    private static IElement Step(IHtmlDocument page, string kind) => Steps(page).First(s => s.GetAttribute("data-kind") == kind);

    /// <summary>A table's rows by their header cell: the value and the explanation, as the reader sees them.</summary>
    private static Dictionary<string, string[]> Rows(IElement step, string table) =>
        step.QuerySelector(table)!.QuerySelectorAll("tbody tr").ToDictionary(
            row => row.QuerySelector("th")!.TextContent.Trim(),
            row => row.QuerySelectorAll("td").Select(cell => cell.TextContent.Trim()).ToArray());
}
