using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using AgilePlanner.WebApp.Tests.Infrastructure;

namespace AgilePlanner.WebApp.Tests.Sandbox;

/// <summary>Pushed authorization requests (RFC 9126) at the sandbox: the push, the authorize call by <c>request_uri</c>, the refusals.</summary>
public sealed class PushedAuthorizationTests : IAsyncLifetime
{
    private const string ParPath = "/sandbox/oauth/par";

    private readonly AgilePlannerAppFactory _app = new();

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Push_with_client_secret_post_answers_201_with_a_request_uri_and_its_lifetime()
    {
        using var http = _app.CreateClient();

        using var response = await PushAsync(http, new AuthorizationRequest());

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.Contains("no-store", response.Headers.CacheControl!.ToString());
        var body = await response.Content.ReadFromJsonAsync<JsonElement>(Cancel);
        Assert.StartsWith("urn:ietf:params:oauth:request_uri:", body.GetProperty("request_uri").GetString());
        // As long as a consent page may stay open, and no longer.
        Assert.InRange(body.GetProperty("expires_in").GetInt32(), 590, 600);
    }

    [Fact]
    public async Task Pushed_request_goes_through_sign_in_and_consent_to_a_code_when_pushing_is_required()
    {
        _app.With("Sandbox:RequirePushedAuthorization", "true");
        using var visitor = SandboxUser.Anonymous(_app);
        using var http = _app.CreateClient();
        var request = new AuthorizationRequest();
        var requestUri = await PushedRequestUriAsync(http, request);
        var authorize = ByReference(request.ClientId!, requestUri);

        using var challenge = await visitor.Browser.GetAsync(authorize, Cancel);
        Assert.Equal(HttpStatusCode.Redirect, challenge.StatusCode);
        Assert.Equal("/sandbox/signin", challenge.Headers.Location!.AbsolutePath);
        using var signInPage = await visitor.Browser.GetAsync(challenge.Headers.Location, Cancel);
        var form = (AngleSharp.Html.Dom.IHtmlFormElement)(await Html.ParseAsync(signInPage)).QuerySelector("form[action='/sandbox/signin']")!;
        using var signedIn = await visitor.Browser.SubmitAsync(form, new Dictionary<string, string>
        {
            ["Email"] = SandboxUser.DemoEmail,
            ["Password"] = SandboxUser.DemoPassword,
        });
        Assert.Equal(authorize, signedIn.Headers.Location!.OriginalString);

        using var consent = await visitor.Browser.GetAsync(signedIn.Headers.Location, Cancel);
        Assert.Equal(HttpStatusCode.OK, consent.StatusCode);
        var consentPage = await Html.ParseAsync(consent);
        Assert.Contains("Agile Planner Connect", consentPage.QuerySelector("h1")!.TextContent);
        // The page shows what was pushed, not what the browser's URL says.
        Assert.Contains(request.RedirectUri!, consentPage.Body!.TextContent);
        Assert.DoesNotContain(requestUri, consentPage.DocumentElement.OuterHtml);

        using var allowed = await visitor.DecideAsync(consent, "Allow");
        var callback = CallbackParameters.From(allowed);
        Assert.Equal(HttpStatusCode.Redirect, callback.Status);
        Assert.StartsWith(request.RedirectUri + "?", callback.Location!.ToString());
        Assert.Equal(request.State, callback.State);
        Assert.Equal("http://localhost/sandbox/", callback.Issuer);

        using var tokens = await SandboxTokens.RedeemCodeAsync(http, callback.Code!, request);
        Assert.Equal(HttpStatusCode.OK, tokens.StatusCode);
        Assert.Equal("read", (await SandboxTokens.ReadAsync(tokens)).Scope);
    }

    [Fact]
    public async Task Deny_on_a_pushed_request_sends_access_denied_with_the_pushed_state()
    {
        using var ada = await SandboxUser.SignInAsync(_app);
        using var http = _app.CreateClient();
        var request = new AuthorizationRequest();
        var requestUri = await PushedRequestUriAsync(http, request);

        using var consent = await ada.Browser.GetAsync(ByReference(request.ClientId!, requestUri), Cancel);
        using var denied = await ada.DecideAsync(consent, "Deny");

        var callback = CallbackParameters.From(denied);
        Assert.Equal("access_denied", callback.Error);
        Assert.Equal(request.State, callback.State);
        Assert.Null(callback.Code);
    }

    [Fact]
    public async Task Authorize_without_a_push_when_required_is_sent_back_to_the_client_as_invalid_request()
    {
        _app.With("Sandbox:RequirePushedAuthorization", "true");
        using var ada = await SandboxUser.SignInAsync(_app);
        var request = new AuthorizationRequest();

        using var response = await ada.StartAuthorizationAsync(request);

        // The client and its redirect URI check out, so the error goes back to it (RFC 6749 section 4.1.2.1).
        var callback = CallbackParameters.From(response);
        Assert.Equal(HttpStatusCode.Redirect, callback.Status);
        Assert.StartsWith(request.RedirectUri + "?", callback.Location!.ToString());
        Assert.Equal("invalid_request", callback.Error);
        Assert.Contains("request_uri", callback.ErrorDescription);
        Assert.Equal(request.State, callback.State);
        Assert.Equal("http://localhost/sandbox/", callback.Issuer);
        Assert.Null(callback.Code);
    }

    [Fact]
    public async Task Authorize_without_a_push_works_when_pushing_is_not_required()
    {
        using var ada = await SandboxUser.SignInAsync(_app);

        var callback = await ada.AuthorizeAsync(new AuthorizationRequest());

        Assert.False(string.IsNullOrEmpty(callback.Code));
    }

    [Theory]
    [InlineData("wrong-secret")]
    [InlineData("")]
    public async Task Push_with_bad_client_authentication_is_a_401_json_error(string secret)
    {
        using var http = _app.CreateClient();
        var form = PushForm(new AuthorizationRequest());
        form["client_secret"] = secret;

        using var response = await SandboxTokens.PostFormAsync(http, ParPath, form);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>(Cancel);
        Assert.Equal("invalid_client", body.GetProperty("error").GetString());
        Assert.DoesNotContain("request_uri", body.ToString());
    }

    [Fact]
    public async Task Push_with_an_unregistered_redirect_uri_is_refused_and_gives_no_request_uri()
    {
        using var http = _app.CreateClient();

        using var response = await PushAsync(http, new AuthorizationRequest { RedirectUri = "https://evil.test/callback" });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>(Cancel);
        Assert.Equal("invalid_request", body.GetProperty("error").GetString());
        Assert.False(body.TryGetProperty("request_uri", out _));
    }

    [Fact]
    public async Task Request_uri_pushed_by_one_client_cannot_be_used_with_another_client_id()
    {
        var other = SandboxClient.RegisterOther(_app);
        using var ada = await SandboxUser.SignInAsync(_app);
        using var http = _app.CreateClient();
        var requestUri = await PushedRequestUriAsync(http, new AuthorizationRequest());

        using var response = await ada.Browser.GetAsync(ByReference(other.ClientId, requestUri), Cancel);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Null(response.Headers.Location);
    }

    [Fact]
    public async Task Request_uri_that_gave_a_code_cannot_be_used_again()
    {
        using var ada = await SandboxUser.SignInAsync(_app);
        using var http = _app.CreateClient();
        var request = new AuthorizationRequest();
        var authorize = ByReference(request.ClientId!, await PushedRequestUriAsync(http, request));
        using (var consent = await ada.Browser.GetAsync(authorize, Cancel))
        using (var allowed = await ada.DecideAsync(consent, "Allow"))
        {
            Assert.False(string.IsNullOrEmpty(CallbackParameters.From(allowed).Code));
        }

        using var again = await ada.Browser.GetAsync(authorize, Cancel);

        Assert.Equal(HttpStatusCode.BadRequest, again.StatusCode);
        Assert.Null(again.Headers.Location);
    }

    [Fact]
    public async Task Unknown_request_uri_gets_an_error_page_and_no_redirect()
    {
        using var ada = await SandboxUser.SignInAsync(_app);

        using var response = await ada.Browser.GetAsync(
            ByReference(SandboxClient.WebApp.ClientId, "urn:ietf:params:oauth:request_uri:not-one-we-gave"), Cancel);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Null(response.Headers.Location);
        Assert.Equal("This authorization request cannot be completed", (await Html.ParseAsync(response)).QuerySelector("h1")!.TextContent);
    }

    [Fact]
    public async Task Query_parameters_beside_a_request_uri_are_ignored_for_the_pushed_ones()
    {
        using var ada = await SandboxUser.SignInAsync(_app);
        using var http = _app.CreateClient();
        var request = new AuthorizationRequest();
        var requestUri = await PushedRequestUriAsync(http, request);

        // RFC 9126 section 4: only the pushed parameters count; a redirect_uri added to the URL must not be used.
        using var consent = await ada.Browser.GetAsync(
            ByReference(request.ClientId!, requestUri) + "&redirect_uri=" + Uri.EscapeDataString("http://localhost:5999/elsewhere") + "&state=forged", Cancel);
        using var allowed = await ada.DecideAsync(consent, "Allow");

        var callback = CallbackParameters.From(allowed);
        Assert.StartsWith(request.RedirectUri + "?", callback.Location!.ToString());
        Assert.Equal(request.State, callback.State);
    }

    private static Dictionary<string, string> PushForm(AuthorizationRequest request, SandboxClient? client = null)
    {
        client ??= SandboxClient.WebApp;
        return new Dictionary<string, string>
        {
            ["response_type"] = request.ResponseType!,
            ["client_id"] = client.ClientId,
            ["client_secret"] = client.ClientSecret,
            ["redirect_uri"] = request.RedirectUri!,
            ["scope"] = request.Scope!,
            ["state"] = request.State!,
            ["code_challenge"] = request.CodeChallenge,
            ["code_challenge_method"] = request.CodeChallengeMethod!,
        };
    }

    private static Task<HttpResponseMessage> PushAsync(HttpClient http, AuthorizationRequest request) =>
        SandboxTokens.PostFormAsync(http, ParPath, PushForm(request));

    private static async Task<string> PushedRequestUriAsync(HttpClient http, AuthorizationRequest request)
    {
        using var response = await PushAsync(http, request);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>(Cancel);
        Assert.True(response.StatusCode == HttpStatusCode.Created, $"Push refused: {(int)response.StatusCode} {body}");
        return body.GetProperty("request_uri").GetString()!;
    }

    /// <summary>The authorize URL with only <c>client_id</c> and <c>request_uri</c>, as RFC 9126 section 4 has it.</summary>
    private static string ByReference(string clientId, string requestUri) =>
        $"/sandbox/oauth/authorize?client_id={Uri.EscapeDataString(clientId)}&request_uri={Uri.EscapeDataString(requestUri)}";

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public ValueTask DisposeAsync() => _app.DisposeAsync();
}
