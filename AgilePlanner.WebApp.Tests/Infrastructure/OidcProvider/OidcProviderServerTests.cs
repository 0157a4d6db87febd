using System.Net;
using AngleSharp.Dom;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.WebUtilities;

namespace AgilePlanner.WebApp.Tests.Infrastructure.OidcProvider;

/// <summary>
/// The independent provider the client tests run against, checked over raw HTTP from its issuer alone: discovery, PAR,
/// code for tokens with a secret and with <c>private_key_jwt</c>, refresh rotation, revocation, the API, Deny.
/// </summary>
public sealed class OidcProviderServerTests(OidcProviderServer provider) : IClassFixture<OidcProviderServer>
{
    private const string Callback = "http://localhost/callback";

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Metadata_from_the_issuer_names_par_iss_s256_and_private_key_jwt()
    {
        using var http = new HttpClient();

        var metadata = await provider.MetadataAsync(http);

        Assert.Equal(provider.Issuer, metadata.GetProperty("issuer").GetString());
        Assert.Equal(provider.Issuer + "/request", metadata.GetProperty("pushed_authorization_request_endpoint").GetString());
        Assert.True(metadata.GetProperty("authorization_response_iss_parameter_supported").GetBoolean());
        Assert.Equal(["S256"], metadata.GetProperty("code_challenge_methods_supported").EnumerateArray().Select(e => e.GetString()));
        var methods = metadata.GetProperty("token_endpoint_auth_methods_supported").EnumerateArray().Select(e => e.GetString()).ToList();
        Assert.Contains("private_key_jwt", methods);
        Assert.Contains("client_secret_post", methods);
        Assert.False(metadata.TryGetProperty("require_pushed_authorization_requests", out var required) && required.GetBoolean());
        Assert.StartsWith(provider.Issuer, metadata.GetProperty("revocation_endpoint").GetString());
    }

    [Fact]
    public async Task Code_for_tokens_with_the_secret_and_the_api_answers_with_the_token()
    {
        using var http = new HttpClient();
        var endpoints = await provider.MetadataAsync(http);
        var pkce = new AuthorizationRequest();

        var callback = await AuthorizeAsync(endpoints, pkce);

        Assert.StartsWith(Callback + "?", callback.Location!.ToString());
        Assert.Equal(pkce.State, callback.State);
        Assert.Equal(provider.Issuer, callback.Issuer);
        using var response = await RedeemWithSecretAsync(http, endpoints, callback.Code!, pkce);
        var tokens = await SandboxTokens.ReadAsync(response);
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{tokens.Error}: {tokens.ErrorDescription}");
        Assert.Equal("Bearer", tokens.TokenType);
        Assert.Equal(3600, tokens.ExpiresIn);
        Assert.Contains("read", tokens.Scope!.Split(' '));
        Assert.False(string.IsNullOrEmpty(tokens.RefreshToken));

        var me = await GetApiAsync(http, "/me", tokens.AccessToken);
        Assert.Equal(HttpStatusCode.OK, me.Status);
        Assert.Equal("Ada Lovelace", me.Body.GetProperty("name").GetString());
        Assert.Equal("demo@agileplanner.test", me.Body.GetProperty("email").GetString());
        Assert.False(me.Body.TryGetProperty("password", out _));
        var projects = await GetApiAsync(http, "/projects", tokens.AccessToken);
        Assert.Equal(3, projects.Body.GetProperty("items").GetArrayLength());
        var project = await GetApiAsync(http, "/projects/2", tokens.AccessToken);
        Assert.Equal("Analytical Engine", project.Body.GetProperty("name").GetString());
        var stories = await GetApiAsync(http, "/projects/2/stories?iteration=2", tokens.AccessToken);
        Assert.NotEqual(0, stories.Body.GetProperty("items").GetArrayLength());
    }

    [Fact]
    public async Task Api_refuses_a_missing_or_unknown_token_and_a_token_without_write()
    {
        using var http = new HttpClient();
        var endpoints = await provider.MetadataAsync(http);
        var tokens = await TokensAsync(http, endpoints, scope: "read");

        var none = await GetApiAsync(http, "/me", accessToken: null);
        var unknown = await GetApiAsync(http, "/me", "not-a-token-it-issued");
        using var write = new HttpRequestMessage(HttpMethod.Post, provider.ApiBaseUrl + "/projects/1/stories")
        {
            Content = JsonContent.Create(new { title = "A story", type = "feature", points = 1 }),
        };
        write.Headers.Authorization = new AuthenticationHeaderValue("Bearer", tokens.AccessToken);
        using var written = await http.SendAsync(write, Cancel);

        Assert.Equal(HttpStatusCode.Unauthorized, none.Status);
        Assert.Equal("Bearer error=\"invalid_token\"", none.Authenticate);
        Assert.Equal(HttpStatusCode.Unauthorized, unknown.Status);
        Assert.Equal(HttpStatusCode.Forbidden, written.StatusCode);
        Assert.Contains("insufficient_scope", written.Headers.WwwAuthenticate.ToString());
    }

    [Fact]
    public async Task Pushed_request_by_request_uri_gives_a_code()
    {
        using var http = new HttpClient();
        var endpoints = await provider.MetadataAsync(http);
        var pkce = new AuthorizationRequest();

        using var pushed = await PushAsync(http, endpoints, pkce, new Dictionary<string, string> { ["client_secret"] = provider.ClientSecret });
        Assert.Equal(HttpStatusCode.Created, pushed.StatusCode);
        var body = await pushed.Content.ReadFromJsonAsync<JsonElement>(Cancel);
        Assert.StartsWith("urn:ietf:params:oauth:request_uri:", body.GetProperty("request_uri").GetString());
        Assert.True(body.GetProperty("expires_in").GetInt32() > 0);

        using var user = provider.CreateUser();
        var callback = await user.AuthorizeAsync(ByReference(endpoints, provider.ClientId, body.GetProperty("request_uri").GetString()!));
        Assert.Equal(pkce.State, callback.State);
        Assert.Equal(provider.Issuer, callback.Issuer);
        using var tokens = await RedeemWithSecretAsync(http, endpoints, callback.Code!, pkce);
        Assert.Equal(HttpStatusCode.OK, tokens.StatusCode);
    }

    [Fact]
    public async Task Push_with_a_wrong_secret_is_refused_with_invalid_client()
    {
        using var http = new HttpClient();
        var endpoints = await provider.MetadataAsync(http);

        using var pushed = await PushAsync(http, endpoints, new AuthorizationRequest(), new Dictionary<string, string> { ["client_secret"] = "wrong" });

        Assert.Equal(HttpStatusCode.Unauthorized, pushed.StatusCode);
        Assert.Equal("invalid_client", (await pushed.Content.ReadFromJsonAsync<JsonElement>(Cancel)).GetProperty("error").GetString());
    }

    [Fact]
    public async Task Private_key_jwt_client_redeems_a_code_and_a_replayed_assertion_is_refused()
    {
        using var http = new HttpClient();
        var endpoints = await provider.MetadataAsync(http);
        var pkce = new AuthorizationRequest();
        var assertion = provider.ClientKey.Create(provider.KeyClientId, provider.Issuer);

        var callback = await AuthorizeAsync(endpoints, pkce, provider.KeyClientId);
        using var response = await PostAsync(http, endpoints, "token_endpoint", new Dictionary<string, string>
        {
            ["grant_type"] = "authorization_code",
            ["code"] = callback.Code!,
            ["redirect_uri"] = Callback,
            ["code_verifier"] = pkce.CodeVerifier,
            ["client_assertion_type"] = ClientAssertion.Type,
            ["client_assertion"] = assertion,
        });
        var tokens = await SandboxTokens.ReadAsync(response);
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{tokens.Error}: {tokens.ErrorDescription}");

        using var replayed = await PostAsync(http, endpoints, "token_endpoint", new Dictionary<string, string>
        {
            ["grant_type"] = "refresh_token",
            ["refresh_token"] = tokens.RefreshToken!,
            ["client_assertion_type"] = ClientAssertion.Type,
            ["client_assertion"] = assertion,
        });
        Assert.Equal(HttpStatusCode.Unauthorized, replayed.StatusCode);
        Assert.Equal("invalid_client", (await SandboxTokens.ReadAsync(replayed)).Error);
    }

    [Fact]
    public async Task Refresh_tokens_rotate_and_a_spent_one_is_refused()
    {
        using var http = new HttpClient();
        var endpoints = await provider.MetadataAsync(http);
        var first = await TokensAsync(http, endpoints);

        using var refreshed = await RefreshWithSecretAsync(http, endpoints, first.RefreshToken!);
        var second = await SandboxTokens.ReadAsync(refreshed);
        using var spent = await RefreshWithSecretAsync(http, endpoints, first.RefreshToken!);

        Assert.Equal(HttpStatusCode.OK, refreshed.StatusCode);
        Assert.NotEqual(first.RefreshToken, second.RefreshToken);
        Assert.NotEqual(first.AccessToken, second.AccessToken);
        Assert.Equal(HttpStatusCode.BadRequest, spent.StatusCode);
        Assert.Equal("invalid_grant", (await SandboxTokens.ReadAsync(spent)).Error);
    }

    [Fact]
    public async Task Revoked_access_token_no_longer_reads_the_api()
    {
        using var http = new HttpClient();
        var endpoints = await provider.MetadataAsync(http);
        var tokens = await TokensAsync(http, endpoints);
        Assert.Equal(HttpStatusCode.OK, (await GetApiAsync(http, "/me", tokens.AccessToken)).Status);

        using var revoked = await PostAsync(http, endpoints, "revocation_endpoint", new Dictionary<string, string>
        {
            ["token"] = tokens.AccessToken!,
            ["token_type_hint"] = "access_token",
            ["client_id"] = provider.ClientId,
            ["client_secret"] = provider.ClientSecret,
        });

        Assert.Equal(HttpStatusCode.OK, revoked.StatusCode);
        var after = await GetApiAsync(http, "/me", tokens.AccessToken);
        Assert.Equal(HttpStatusCode.Unauthorized, after.Status);
        Assert.Equal("Bearer error=\"invalid_token\"", after.Authenticate);
    }

    [Fact]
    public async Task Deny_sends_access_denied_with_the_state_and_the_issuer()
    {
        using var http = new HttpClient();
        var endpoints = await provider.MetadataAsync(http);
        var pkce = new AuthorizationRequest();

        var callback = await AuthorizeAsync(endpoints, pkce, button: "Deny");

        Assert.StartsWith(Callback + "?", callback.Location!.ToString());
        Assert.Equal("access_denied", callback.Error);
        Assert.Equal(pkce.State, callback.State);
        Assert.Equal(provider.Issuer, callback.Issuer);
        Assert.Null(callback.Code);
    }

    [Fact]
    public async Task Loopback_callback_on_another_port_matches_and_another_host_does_not()
    {
        using var http = new HttpClient();
        var endpoints = await provider.MetadataAsync(http);
        var pkce = new AuthorizationRequest();
        using var user = provider.CreateUser();

        var callback = await user.AuthorizeAsync(AuthorizeUrl(endpoints, pkce, provider.ClientId).Replace(
            Uri.EscapeDataString(Callback), Uri.EscapeDataString("http://localhost:5080/callback"), StringComparison.Ordinal));
        using var elsewhere = await user.FollowAsync(new Uri(AuthorizeUrl(endpoints, pkce, provider.ClientId).Replace(
            Uri.EscapeDataString(Callback), Uri.EscapeDataString("http://localhost.evil.test/callback"), StringComparison.Ordinal)));

        Assert.StartsWith("http://localhost:5080/callback?", callback.Location!.ToString());
        Assert.False(string.IsNullOrEmpty(callback.Code));
        Assert.Equal(HttpStatusCode.BadRequest, elsewhere.StatusCode);
        Assert.Null(elsewhere.Headers.Location);
    }

    [Fact]
    public async Task Wrong_password_shows_the_sign_in_form_again_with_a_message()
    {
        using var http = new HttpClient();
        var endpoints = await provider.MetadataAsync(http);
        using var user = provider.CreateUser();

        using var signInPage = await user.FollowAsync(new Uri(AuthorizeUrl(endpoints, new AuthorizationRequest(), provider.ClientId)));
        var form = (await Html.ParseAsync(signInPage)).QuerySelector<AngleSharp.Html.Dom.IHtmlFormElement>("form")!;
        using var refused = await user.Browser.SubmitAsync(form, new Dictionary<string, string> { ["email"] = OidcProviderUser.Email, ["password"] = "wrong" });

        Assert.Equal(HttpStatusCode.OK, refused.StatusCode);
        Assert.Contains("do not match", (await Html.ParseAsync(refused)).QuerySelector("#message")!.TextContent);
    }

    [Fact]
    public async Task Provider_that_requires_pushed_requests_refuses_a_plain_authorize_and_accepts_a_pushed_one()
    {
        await using var strict = OidcProviderServer.With(new OidcProviderSettings { RequirePushedAuthorization = true });
        await strict.InitializeAsync();
        using var http = new HttpClient();
        var endpoints = await strict.MetadataAsync(http);
        Assert.True(endpoints.GetProperty("require_pushed_authorization_requests").GetBoolean());
        var pkce = new AuthorizationRequest();

        using var user = strict.CreateUser();
        using var plain = await user.FollowAsync(new Uri(AuthorizeUrl(endpoints, pkce, strict.ClientId)));
        var refusal = CallbackParameters.From(plain);
        Assert.Equal(HttpStatusCode.SeeOther, refusal.Status);
        Assert.StartsWith(Callback + "?", refusal.Location!.ToString());
        Assert.Equal("invalid_request", refusal.Error);
        Assert.Equal(pkce.State, refusal.State);
        Assert.Equal(strict.Issuer, refusal.Issuer);
        Assert.Null(refusal.Code);

        using var pushed = await PushAsync(http, endpoints, pkce, new Dictionary<string, string> { ["client_secret"] = strict.ClientSecret }, strict.ClientId);
        var requestUri = (await pushed.Content.ReadFromJsonAsync<JsonElement>(Cancel)).GetProperty("request_uri").GetString()!;
        var callback = await user.AuthorizeAsync(ByReference(endpoints, strict.ClientId, requestUri));
        Assert.False(string.IsNullOrEmpty(callback.Code));
    }

    private async Task<CallbackParameters> AuthorizeAsync(JsonElement endpoints, AuthorizationRequest pkce, string? clientId = null, string button = "Allow", string scope = "read write")
    {
        using var user = provider.CreateUser();
        return await user.AuthorizeAsync(AuthorizeUrl(endpoints, pkce, clientId ?? provider.ClientId, scope), button);
    }

    private async Task<TokenResponse> TokensAsync(HttpClient http, JsonElement endpoints, string scope = "read write")
    {
        var pkce = new AuthorizationRequest();
        var callback = await AuthorizeAsync(endpoints, pkce, scope: scope);
        using var response = await RedeemWithSecretAsync(http, endpoints, callback.Code!, pkce);
        var tokens = await SandboxTokens.ReadAsync(response);
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{tokens.Error}: {tokens.ErrorDescription}");
        return tokens;
    }

    private static string AuthorizeUrl(JsonElement endpoints, AuthorizationRequest pkce, string clientId, string scope = "read write") =>
        QueryHelpers.AddQueryString(endpoints.GetProperty("authorization_endpoint").GetString()!, new Dictionary<string, string?>
        {
            ["response_type"] = "code",
            ["client_id"] = clientId,
            ["redirect_uri"] = Callback,
            ["scope"] = scope,
            ["state"] = pkce.State,
            ["code_challenge"] = pkce.CodeChallenge,
            ["code_challenge_method"] = "S256",
        });

    private static string ByReference(JsonElement endpoints, string clientId, string requestUri) =>
        QueryHelpers.AddQueryString(endpoints.GetProperty("authorization_endpoint").GetString()!,
            new Dictionary<string, string?> { ["client_id"] = clientId, ["request_uri"] = requestUri });

    private Task<HttpResponseMessage> PushAsync(
        HttpClient http, JsonElement endpoints, AuthorizationRequest pkce, Dictionary<string, string> authentication, string? clientId = null)
    {
        var form = new Dictionary<string, string>(authentication)
        {
            ["response_type"] = "code",
            ["client_id"] = clientId ?? provider.ClientId,
            ["redirect_uri"] = Callback,
            ["scope"] = "read write",
            ["state"] = pkce.State!,
            ["code_challenge"] = pkce.CodeChallenge,
            ["code_challenge_method"] = "S256",
        };
        return PostAsync(http, endpoints, "pushed_authorization_request_endpoint", form);
    }

    private Task<HttpResponseMessage> RedeemWithSecretAsync(HttpClient http, JsonElement endpoints, string code, AuthorizationRequest pkce) =>
        PostAsync(http, endpoints, "token_endpoint", new Dictionary<string, string>
        {
            ["grant_type"] = "authorization_code",
            ["code"] = code,
            ["redirect_uri"] = Callback,
            ["code_verifier"] = pkce.CodeVerifier,
            ["client_id"] = provider.ClientId,
            ["client_secret"] = provider.ClientSecret,
        });

    private Task<HttpResponseMessage> RefreshWithSecretAsync(HttpClient http, JsonElement endpoints, string refreshToken) =>
        PostAsync(http, endpoints, "token_endpoint", new Dictionary<string, string>
        {
            ["grant_type"] = "refresh_token",
            ["refresh_token"] = refreshToken,
            ["client_id"] = provider.ClientId,
            ["client_secret"] = provider.ClientSecret,
        });

    private static Task<HttpResponseMessage> PostAsync(HttpClient http, JsonElement endpoints, string endpoint, IReadOnlyDictionary<string, string> form) =>
        http.PostAsync(endpoints.GetProperty(endpoint).GetString(), new FormUrlEncodedContent(form), Cancel);

    private async Task<(HttpStatusCode Status, JsonElement Body, string Authenticate)> GetApiAsync(HttpClient http, string path, string? accessToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, provider.ApiBaseUrl + path);
        if (accessToken is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", accessToken);
        }
        using var response = await http.SendAsync(request, Cancel);
        var text = await response.Content.ReadAsStringAsync(Cancel);
        return (response.StatusCode, text.Length == 0 ? default : JsonSerializer.Deserialize<JsonElement>(text), response.Headers.WwwAuthenticate.ToString());
    }
}
