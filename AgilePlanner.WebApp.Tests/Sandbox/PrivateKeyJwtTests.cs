using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using AgilePlanner.WebApp.Tests.Infrastructure;
using AngleSharp.Html.Dom;

namespace AgilePlanner.WebApp.Tests.Sandbox;

/// <summary>
/// Key-based client authentication (RFC 7523 <c>private_key_jwt</c>): a public key registered in the developer portal,
/// assertions signed with its private half at the token and pushed authorization endpoints, and the assertions refused.
/// </summary>
public sealed class PrivateKeyJwtTests : IAsyncLifetime
{
    private const string Issuer = "http://localhost/sandbox/";
    private const string TokenEndpoint = Issuer + "oauth/token";
    private const string Callback = "http://localhost:5080/callback";

    private readonly AgilePlannerAppFactory _app = new();
    private readonly ClientAssertion _key = new();

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Key_registered_in_the_portal_redeems_a_code_with_a_signed_assertion()
    {
        var client = await RegisterWithKeyAsync(_key.PublicKeyPem);
        using var ada = await SandboxUser.SignInAsync(_app);
        var request = AuthorizationRequest.For(client);
        var callback = await ada.AuthorizeAsync(request);
        using var http = _app.CreateClient();

        using var response = await RedeemAsync(http, client, callback.Code!, request, _key.Create(client.ClientId, Issuer));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var tokens = await SandboxTokens.ReadAsync(response);
        using var me = await SandboxTokens.GetApiAsync(http, "/me", tokens.AccessToken);
        Assert.Equal(HttpStatusCode.OK, me.StatusCode);
        Assert.DoesNotContain(_key.PrivateKeyPem.Split('\n')[1], _app.Logs.AllText);
    }

    [Fact]
    public async Task Jwk_set_registered_works_the_same_and_refreshes_with_a_new_assertion()
    {
        var client = await RegisterWithKeyAsync(_key.PublicJwks());
        var tokens = await TokensAsync(client);
        using var http = _app.CreateClient();

        using var refreshed = await SandboxTokens.PostFormAsync(http, SandboxTokens.TokenPath, new Dictionary<string, string>
        {
            ["grant_type"] = "refresh_token",
            ["refresh_token"] = tokens.RefreshToken!,
            ["client_assertion_type"] = ClientAssertion.Type,
            ["client_assertion"] = _key.Create(client.ClientId, Issuer),
        });

        Assert.Equal(HttpStatusCode.OK, refreshed.StatusCode);
    }

    [Fact]
    public async Task Replayed_assertion_is_refused()
    {
        var client = await RegisterWithKeyAsync(_key.PublicKeyPem);
        var assertion = _key.Create(client.ClientId, Issuer);
        var tokens = await TokensAsync(client, assertion);
        using var http = _app.CreateClient();

        using var replayed = await RefreshAsync(http, tokens.RefreshToken!, assertion);

        await AssertClientRefusedAsync(replayed);
    }

    [Fact]
    public async Task Assertion_without_a_jti_is_refused()
    {
        var client = await RegisterWithKeyAsync(_key.PublicKeyPem);
        var tokens = await TokensAsync(client);
        using var http = _app.CreateClient();

        using var refused = await RefreshAsync(http, tokens.RefreshToken!, _key.Create(client.ClientId, Issuer, jti: ""));

        await AssertClientRefusedAsync(refused);
    }

    [Fact]
    public async Task Assertion_without_its_explicit_type_is_refused()
    {
        var client = await RegisterWithKeyAsync(_key.PublicKeyPem);
        var tokens = await TokensAsync(client);
        using var http = _app.CreateClient();

        using var refused = await RefreshAsync(http, tokens.RefreshToken!, _key.Create(client.ClientId, Issuer, tokenType: "JWT"));

        await AssertClientRefusedAsync(refused);
    }

    [Fact]
    public async Task Expired_assertion_is_refused()
    {
        var client = await RegisterWithKeyAsync(_key.PublicKeyPem);
        var tokens = await TokensAsync(client);
        using var http = _app.CreateClient();

        using var expired = await RefreshAsync(http, tokens.RefreshToken!,
            _key.Create(client.ClientId, Issuer, lifetime: TimeSpan.FromMinutes(1), issuedAt: DateTime.UtcNow.AddMinutes(-10)));

        await AssertClientRefusedAsync(expired);
    }

    [Fact]
    public async Task Assertion_signed_with_another_key_is_refused()
    {
        var client = await RegisterWithKeyAsync(_key.PublicKeyPem);
        var tokens = await TokensAsync(client);
        using var stranger = new ClientAssertion();
        using var http = _app.CreateClient();

        using var forged = await RefreshAsync(http, tokens.RefreshToken!, stranger.Create(client.ClientId, Issuer));

        await AssertClientRefusedAsync(forged);
    }

    [Theory]
    [InlineData(TokenEndpoint)]
    [InlineData("http://localhost/sandbox/oauth/authorize")]
    [InlineData("https://other.test/")]
    // The audience is the issuer alone (draft-ietf-oauth-rfc7523bis, as OpenIddict has it): an assertion made for one
    // endpoint cannot be sent to another server that happens to have an endpoint of that name.
    public async Task Assertion_for_another_audience_is_refused(string audience)
    {
        var client = await RegisterWithKeyAsync(_key.PublicKeyPem);
        var tokens = await TokensAsync(client);
        using var http = _app.CreateClient();

        using var refused = await RefreshAsync(http, tokens.RefreshToken!, _key.Create(client.ClientId, audience));

        // OpenIddict answers a wrong audience with invalid_grant where RFC 7521 section 4.2 asks for invalid_client.
        var body = await SandboxTokens.ReadAsync(refused);
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.Equal("invalid_grant", body.Error);
        Assert.Contains("audience", body.ErrorDescription);
        Assert.Null(body.AccessToken);
    }

    [Fact]
    public async Task Application_registered_with_a_key_alone_has_no_secret_that_works()
    {
        var client = await RegisterWithKeyAsync(_key.PublicKeyPem);
        using var ada = await SandboxUser.SignInAsync(_app);
        var request = AuthorizationRequest.For(client);
        var callback = await ada.AuthorizeAsync(request);
        using var http = _app.CreateClient();

        using var response = await SandboxTokens.RedeemCodeAsync(http, callback.Code!, request, client with { ClientSecret = "guessed" });

        await AssertClientRefusedAsync(response);
    }

    [Fact]
    public async Task Pushed_authorization_request_authenticates_with_an_assertion()
    {
        var client = await RegisterWithKeyAsync(_key.PublicKeyPem);
        var request = AuthorizationRequest.For(client);
        using var http = _app.CreateClient();

        using var pushed = await SandboxTokens.PostFormAsync(http, "/sandbox/oauth/par", new Dictionary<string, string>
        {
            ["response_type"] = "code",
            ["client_id"] = client.ClientId,
            ["redirect_uri"] = client.RedirectUri,
            ["scope"] = "read",
            ["state"] = request.State!,
            ["code_challenge"] = request.CodeChallenge,
            ["code_challenge_method"] = "S256",
            ["client_assertion_type"] = ClientAssertion.Type,
            ["client_assertion"] = _key.Create(client.ClientId, Issuer),
        });

        Assert.Equal(HttpStatusCode.Created, pushed.StatusCode);
        var requestUri = (await pushed.Content.ReadFromJsonAsync<JsonElement>(Cancel)).GetProperty("request_uri").GetString()!;
        using var ada = await SandboxUser.SignInAsync(_app);
        using var consent = await ada.Browser.GetAsync(
            $"/sandbox/oauth/authorize?client_id={client.ClientId}&request_uri={Uri.EscapeDataString(requestUri)}", Cancel);
        using var allowed = await ada.DecideAsync(consent, "Allow");
        var callback = CallbackParameters.From(allowed);
        using var tokens = await RedeemAsync(http, client, callback.Code!, request, _key.Create(client.ClientId, Issuer));
        Assert.Equal(HttpStatusCode.OK, tokens.StatusCode);
    }

    [Fact]
    public async Task Pasted_private_pem_key_is_refused_with_a_clear_message_and_never_shown_or_logged()
    {
        using var developer = await SandboxUser.SignUpAsync(_app);
        var privateKey = _key.PrivateKeyPem;

        using var response = await SubmitRegistrationAsync(developer, "Key App", privateKey, issueSecret: false);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var html = await response.Content.ReadAsStringAsync(Cancel);
        var page = await Html.ParseAsync(response);
        Assert.Contains("This is a private key", page.QuerySelector("[data-valmsg-for='PublicKeys']")!.TextContent);
        Assert.Equal("", ((IHtmlTextAreaElement)page.QuerySelector("textarea[name='PublicKeys']")!).Value.Trim());
        foreach (var line in privateKey.Split('\n').Where(l => l.Length > 20 && !l.StartsWith("-----", StringComparison.Ordinal)))
        {
            Assert.DoesNotContain(line, html);
            Assert.DoesNotContain(line, _app.Logs.AllText);
        }
        Assert.Contains("a private key was pasted", _app.Logs.AllText);
    }

    [Fact]
    public async Task Pasted_private_jwk_is_refused_and_its_private_part_never_shown()
    {
        using var developer = await SandboxUser.SignUpAsync(_app);
        var privateJwk = _key.PrivateJwk();
        var d = JsonSerializer.Deserialize<JsonElement>(privateJwk).GetProperty("d").GetString()!;

        using var response = await SubmitRegistrationAsync(developer, "Key App", privateJwk, issueSecret: true);

        var html = await response.Content.ReadAsStringAsync(Cancel);
        Assert.Contains("This is a private key", html);
        Assert.DoesNotContain(d, html);
        Assert.DoesNotContain(d, _app.Logs.AllText);
    }

    [Theory]
    [InlineData("not a key", "neither a JWK Set")]
    [InlineData("[1, 2]", "is a JSON object")]
    [InlineData("{\"keys\": []}", "has no keys")]
    [InlineData("{\"kty\": \"oct\", \"k\": \"c2VjcmV0\"}", "symmetric key")]
    [InlineData("{\"kty\": \"OKP\", \"crv\": \"Ed25519\", \"x\": \"11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo\"}", "Only RSA and EC")]
    [InlineData("{\"kty\": \"EC\", \"crv\": \"P-256\"}", "carry its")]
    [InlineData("-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----", "is not a public key")]
    [InlineData("-----BEGIN PUBLIC KEY-----\nnot base64 at all\n-----END PUBLIC KEY-----", "could not be read")]
    public async Task Bad_public_keys_are_refused_with_a_clear_message(string keys, string message)
    {
        using var developer = await SandboxUser.SignUpAsync(_app);

        using var response = await SubmitRegistrationAsync(developer, "Key App", keys, issueSecret: false);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var page = await Html.ParseAsync(response);
        Assert.Contains(message, page.QuerySelector("[data-valmsg-for='PublicKeys']")!.TextContent);
        Assert.Null(page.QuerySelector("#client-secret"));
    }

    [Fact]
    public async Task Short_rsa_key_is_refused()
    {
        using var developer = await SandboxUser.SignUpAsync(_app);
        using var weak = new ClientAssertion(keySize: 1024);

        using var response = await SubmitRegistrationAsync(developer, "Key App", weak.PublicKeyPem, issueSecret: false);

        Assert.Contains("shorter than 2048 bits", (await Html.ParseAsync(response)).QuerySelector("[data-valmsg-for='PublicKeys']")!.TextContent);
    }

    [Fact]
    public async Task Neither_a_secret_nor_a_key_is_refused()
    {
        using var developer = await SandboxUser.SignUpAsync(_app);

        using var response = await SubmitRegistrationAsync(developer, "Key App", "", issueSecret: false);

        Assert.Contains("keep the client secret, paste a public key, or both",
            (await Html.ParseAsync(response)).QuerySelector("[data-valmsg-for='PublicKeys']")!.TextContent);
    }

    [Fact]
    public async Task Replacing_the_key_in_the_portal_refuses_assertions_of_the_old_one()
    {
        using var developer = await SandboxUser.SignUpAsync(_app);
        using var registered = await SubmitRegistrationAsync(developer, "Key App", _key.PublicKeyPem, issueSecret: true);
        var client = ClientFrom(registered);
        var tokens = await TokensAsync(client);
        using var next = new ClientAssertion();

        var edit = await developer.GetPageAsync($"/sandbox/developers/{client.ClientId}");
        Assert.Single(edit.QuerySelectorAll("#public-keys li"));
        using var saved = await developer.Browser.SubmitAsync((IHtmlFormElement)edit.QuerySelector("form[action$='/keys']")!,
            new Dictionary<string, string> { ["PublicKeys"] = next.PublicJwks() });
        Assert.Equal(HttpStatusCode.Redirect, saved.StatusCode);
        Assert.Contains(next.Key.KeyId, (await developer.GetPageAsync($"/sandbox/developers/{client.ClientId}")).QuerySelector("#public-keys")!.TextContent);

        using var http = _app.CreateClient();
        using var old = await RefreshAsync(http, tokens.RefreshToken!, _key.Create(client.ClientId, Issuer));
        await AssertClientRefusedAsync(old);
        using var current = await RefreshAsync(http, tokens.RefreshToken!, next.Create(client.ClientId, Issuer));
        Assert.Equal(HttpStatusCode.OK, current.StatusCode);
    }

    [Fact]
    public async Task Removing_the_only_key_of_an_application_without_a_secret_is_refused()
    {
        using var developer = await SandboxUser.SignUpAsync(_app);
        var client = await RegisterWithKeyAsync(developer, _key.PublicKeyPem);
        var edit = await developer.GetPageAsync($"/sandbox/developers/{client.ClientId}");

        using var response = await developer.Browser.SubmitAsync((IHtmlFormElement)edit.QuerySelector("form[action$='/keys']")!,
            new Dictionary<string, string> { ["PublicKeys"] = "" });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("has no client secret", (await Html.ParseAsync(response)).QuerySelector("[data-valmsg-for='PublicKeys']")!.TextContent);
        Assert.Equal(HttpStatusCode.OK, (await TokensResponseAsync(client)).StatusCode);
    }

    private async Task<SandboxClient> RegisterWithKeyAsync(string publicKeys)
    {
        using var developer = await SandboxUser.SignUpAsync(_app);
        return await RegisterWithKeyAsync(developer, publicKeys);
    }

    /// <summary>Registers an application with <paramref name="publicKeys"/> and no secret, through the portal's form.</summary>
    private static async Task<SandboxClient> RegisterWithKeyAsync(SandboxUser developer, string publicKeys)
    {
        using var response = await SubmitRegistrationAsync(developer, "Key App " + Guid.NewGuid().ToString("N")[..6], publicKeys, issueSecret: false);
        Assert.True(response.StatusCode == HttpStatusCode.Redirect,
            $"Registration refused: {(await Html.ParseAsync(response)).QuerySelector(".error:not(:empty)")?.TextContent}");
        using var edit = await developer.Browser.GetAsync(response.Headers.Location, Cancel);
        var page = await Html.ParseAsync(edit);
        Assert.Contains("no client secret was issued", page.QuerySelector(".notice")!.TextContent);
        return new SandboxClient(page.QuerySelector("#client-id")!.TextContent, "", Callback);
    }

    private static SandboxClient ClientFrom(HttpResponseMessage registered)
    {
        Assert.Equal(HttpStatusCode.Redirect, registered.StatusCode);
        var clientId = registered.Headers.Location!.OriginalString.Split('/')[3];
        return new SandboxClient(clientId, "", Callback);
    }

    private async Task<TokenResponse> TokensAsync(SandboxClient client, string? assertion = null)
    {
        using var response = await TokensResponseAsync(client, assertion);
        var tokens = await SandboxTokens.ReadAsync(response);
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"Code redemption refused: {tokens.Error} {tokens.ErrorDescription}");
        return tokens;
    }

    private async Task<HttpResponseMessage> TokensResponseAsync(SandboxClient client, string? assertion = null)
    {
        using var ada = await SandboxUser.SignInAsync(_app);
        var request = AuthorizationRequest.For(client);
        var callback = await ada.AuthorizeAsync(request);
        using var http = _app.CreateClient();
        return await RedeemAsync(http, client, callback.Code!, request, assertion ?? _key.Create(client.ClientId, Issuer));
    }

    private static Task<HttpResponseMessage> RedeemAsync(HttpClient http, SandboxClient client, string code, AuthorizationRequest request, string assertion) =>
        SandboxTokens.PostFormAsync(http, SandboxTokens.TokenPath, new Dictionary<string, string>
        {
            ["grant_type"] = "authorization_code",
            ["code"] = code,
            ["redirect_uri"] = client.RedirectUri,
            ["code_verifier"] = request.CodeVerifier,
            ["client_id"] = client.ClientId,
            ["client_assertion_type"] = ClientAssertion.Type,
            ["client_assertion"] = assertion,
        });

    /// <summary>RFC 6749 section 5.2: a client that failed to authenticate gets invalid_client, here with 401.</summary>
    private static async Task AssertClientRefusedAsync(HttpResponseMessage response)
    {
        var body = await SandboxTokens.ReadAsync(response);
        Assert.True(response.StatusCode == HttpStatusCode.Unauthorized && body.Error == "invalid_client",
            $"Expected 401 invalid_client, got {(int)response.StatusCode} {body.Error}: {body.ErrorDescription}");
    }

    private static Task<HttpResponseMessage> RefreshAsync(HttpClient http, string refreshToken, string assertion) =>
        SandboxTokens.PostFormAsync(http, SandboxTokens.TokenPath, new Dictionary<string, string>
        {
            ["grant_type"] = "refresh_token",
            ["refresh_token"] = refreshToken,
            ["client_assertion_type"] = ClientAssertion.Type,
            ["client_assertion"] = assertion,
        });

    private static async Task<HttpResponseMessage> SubmitRegistrationAsync(SandboxUser developer, string name, string publicKeys, bool issueSecret)
    {
        var page = await developer.GetPageAsync("/sandbox/developers/new");
        var form = (IHtmlFormElement)page.QuerySelector("form[action='/sandbox/developers/new']")!;
        ((IHtmlInputElement)form.Elements["IssueSecret"]!).IsChecked = issueSecret;
        return await developer.Browser.SubmitAsync(form, new Dictionary<string, string>
        {
            ["Name"] = name,
            ["CallbackUrls"] = Callback,
            ["PublicKeys"] = publicKeys,
        });
    }

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public async ValueTask DisposeAsync()
    {
        _key.Dispose();
        await _app.DisposeAsync();
    }
}
