using System.Net;
using System.Text;
using System.Text.Json;
using AgilePlanner.WebApp.Tests.Infrastructure;
using AngleSharp.Dom;
using AngleSharp.Html.Dom;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace AgilePlanner.WebApp.Tests.Discovery;

/// <summary>
/// <c>AgilePlanner:ClientAuthentication</c> as it crosses the wire: <c>private_key_jwt</c> against the built-in sandbox with an
/// application registered with a public key (code, refresh, revocation and the pushed request each carry a fresh assertion and
/// no secret), <c>client_secret_basic</c> against the provider double, and a key file that cannot be used stopping the start.
/// </summary>
public sealed class ClientAuthenticationTests : IAsyncDisposable
{
    private const string Issuer = "http://localhost/sandbox/";

    private readonly string _folder = Path.Combine(Path.GetTempPath(), "agileplanner-tests", Guid.NewGuid().ToString("N"));
    private readonly ClientAssertion _key = new();

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task With_private_key_jwt_sign_in_refresh_disconnect_and_the_push_each_carry_a_fresh_assertion_and_no_secret()
    {
        var dataDirectory = Path.Combine(_folder, "data");
        string clientId;
        await using (var portal = new AgilePlannerAppFactory(dataDirectory))
        {
            clientId = await RegisterWithKeyAsync(portal, _key.PublicJwks());
        }
        var keyFile = await WriteAsync("client-key.json", _key.PrivateJwk());
        await using var app = new SandboxAppFactory();
        app.With("DataDirectory", dataDirectory)
            .With("Sandbox:RequirePushedAuthorization", "true")
            .With("AgilePlanner:ClientId", clientId)
            .With("AgilePlanner:ClientAuthentication", "private_key_jwt")
            .With("AgilePlanner:ClientKeyFile", keyFile);
        using var ada = await SandboxUser.SignInAsync(app);

        // Connect: pushed, then Allow, then the account page from the API.
        using var connect = await ada.Browser.GetAsync("/connect", Cancel);
        Assert.Equal(["client_id", "request_uri"], QueryHelpers.ParseQuery(connect.Headers.Location!.Query).Keys.Order(StringComparer.Ordinal));
        using var consent = await ada.Browser.GetAsync(connect.Headers.Location, Cancel);
        using var allowed = await ada.DecideAsync(consent, "Allow");
        var account = await Redirects.FollowAsync(ada.Browser, allowed, sameSiteOnly: true);
        Assert.Equal("/account", account.RequestMessage!.RequestUri!.AbsolutePath);
        Assert.Equal("Ada Lovelace", (await Html.ParseAsync(account)).QuerySelector("[data-field=name]")?.TextContent);

        // A refresh: the access token made to count as expired, then a page that calls the API.
        var flow = await ada.GetPageAsync("/flow");
        var tokenStep = flow.QuerySelectorAll("section.flow-step").First(s => s.GetAttribute("data-kind") == "TokenRequest").TextContent;
        var redeemed = Form(app.BackChannel.First(e => e.Uri.AbsolutePath == "/sandbox/oauth/token"))["client_assertion"];
        Assert.Contains(ClientAssertion.Type, tokenStep);
        Assert.Contains($"\"aud\":\"{Issuer}\"", tokenStep);
        Assert.Contains($"\"iss\":\"{clientId}\"", tokenStep);
        Assert.Contains("Safer than a shared secret", tokenStep);
        Assert.DoesNotContain(redeemed.Split('.')[2][..16], flow.DocumentElement.OuterHtml);
        Assert.DoesNotContain(redeemed, flow.DocumentElement.OuterHtml);
        using var expired = await ada.Browser.SubmitAsync(flow.QuerySelectorAll("form").OfType<IHtmlFormElement>().Single(f => f.Action.EndsWith("/flow/expire-access-token", StringComparison.Ordinal)));
        var refreshedPage = await Html.ParseAsync(await ClientFlow.GetPageAsync(ada.Browser, "/account"));
        Assert.Equal("Ada Lovelace", refreshedPage.QuerySelector("[data-field=name]")?.TextContent);

        // Disconnect: revoked at the sandbox.
        var disconnected = await Redirects.FollowAsync(ada.Browser,
            await ada.Browser.SubmitAsync(refreshedPage.QuerySelector<IHtmlFormElement>("form[action='/disconnect']")!), sameSiteOnly: true);
        Assert.Equal("Disconnected. Agile Planner has cancelled this app's access.", (await Html.ParseAsync(disconnected)).QuerySelector(".flash")?.TextContent);

        var calls = app.BackChannel.Where(e => e.Method == "POST" && e.Uri.AbsolutePath.StartsWith("/sandbox/oauth/", StringComparison.Ordinal)).ToList();
        Assert.Single(calls, e => e.Uri.AbsolutePath == "/sandbox/oauth/par" && e.Status == 201);
        Assert.Single(calls, e => e.Uri.AbsolutePath == "/sandbox/oauth/token" && Form(e)["grant_type"] == "authorization_code" && e.Status == 200);
        Assert.Single(calls, e => e.Uri.AbsolutePath == "/sandbox/oauth/token" && Form(e)["grant_type"] == "refresh_token" && e.Status == 200);
        Assert.Contains(calls, e => e.Uri.AbsolutePath == "/sandbox/oauth/revoke" && e.Status == 200);
        var jtis = new List<string>();
        foreach (var call in calls)
        {
            var form = Form(call);
            Assert.False(form.ContainsKey("client_secret"), $"{call.Uri.AbsolutePath} sent a client_secret");
            Assert.Null(call.Authorization);
            Assert.Equal(ClientAssertion.Type, form["client_assertion_type"]);
            jtis.Add(await AssertValidAssertionAsync(form["client_assertion"], clientId));
        }
        Assert.True(calls.Count >= 4);
        Assert.Equal(jtis.Count, jtis.Distinct(StringComparer.Ordinal).Count());

        // The revocation took: the refresh token the session held is refused now.
        var lastRefresh = JsonDocument.Parse(calls.Last(e => e.Uri.AbsolutePath == "/sandbox/oauth/token").ResponseBody).RootElement.GetProperty("refresh_token").GetString()!;
        using var http = app.CreateClient();
        using var refused = await SandboxTokens.PostFormAsync(http, SandboxTokens.TokenPath, new Dictionary<string, string>
        {
            ["grant_type"] = "refresh_token",
            ["refresh_token"] = lastRefresh,
            ["client_assertion_type"] = ClientAssertion.Type,
            ["client_assertion"] = _key.Create(clientId, Issuer),
        });
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);

        var privateD = JsonDocument.Parse(_key.PrivateJwk()).RootElement.GetProperty("d").GetString()!;
        var flowHtml = await (await ada.Browser.GetAsync("/flow", Cancel)).Content.ReadAsStringAsync(Cancel);
        foreach (var text in new[] { app.Logs.AllText, flowHtml })
        {
            Assert.DoesNotContain(privateD, text);
            Assert.DoesNotContain(privateD[..24], text);
        }
    }

    [Fact]
    public async Task With_client_secret_basic_the_secret_travels_url_encoded_in_the_basic_header_and_never_in_the_body()
    {
        const string secret = "s3cr:t+with space/é";
        await using var app = new ClientAppFactory();
        app.With("AgilePlanner:ClientSecret", secret).With("AgilePlanner:ClientAuthentication", "client_secret_basic");
        app.Provider.IssuingTokens().ServingApi();
        app.Provider.Revoke = _ => new HttpResponseMessage(HttpStatusCode.OK);
        using var browser = app.CreateBrowser();

        var account = await ClientFlow.ConnectAsync(browser);
        var page = await Html.ParseAsync(account);
        Assert.Equal("Ada Lovelace", page.QuerySelector("[data-field=name]")?.TextContent);
        await Redirects.FollowAsync(browser, await browser.SubmitAsync(page.QuerySelector<IHtmlFormElement>("form[action='/disconnect']")!), sameSiteOnly: true);

        // RFC 6749 section 2.3.1: client_id and secret each application/x-www-form-urlencoded, then joined with ':'.
        var expected = "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes("client-under-test:s3cr%3At%2Bwith+space%2F%C3%A9"));
        var calls = app.Provider.Requests.Where(r => r.Method == "POST").ToList();
        Assert.Single(calls, r => r.Uri.AbsolutePath == "/oauth/token");
        Assert.Contains(calls, r => r.Uri.AbsolutePath == "/oauth/revoke");
        Assert.All(calls, call =>
        {
            Assert.Equal(expected, call.Authorization);
            Assert.False(call.Form.ContainsKey("client_secret"));
            Assert.False(call.Form.ContainsKey("client_id"));
            Assert.DoesNotContain("s3cr", call.Body);
        });
        Assert.Equal("the-code", calls[0].Form["code"]);
        Assert.Empty(app.Provider.Unexpected);
    }

    [Fact]
    public async Task The_default_sends_client_id_and_secret_in_the_body_and_no_authorization_header()
    {
        await using var app = new ClientAppFactory();
        app.Provider.IssuingTokens().ServingApi();
        using var browser = app.CreateBrowser();

        await ClientFlow.ConnectAsync(browser);

        var token = Assert.Single(app.Provider.TokenRequests);
        Assert.Null(token.Authorization);
        Assert.Equal("client-under-test", token.Form["client_id"]);
        Assert.Equal(ClientAppFactory.ClientSecret, token.Form["client_secret"]);
        Assert.False(token.Form.ContainsKey("client_assertion"));
    }

    [Fact]
    public async Task A_method_the_providers_metadata_does_not_list_is_logged_as_a_warning_naming_the_setting()
    {
        await using var app = new ClientAppFactory();
        app.With("AgilePlanner:AuthorizationEndpoint", "").With("AgilePlanner:TokenEndpoint", "").With("AgilePlanner:RevocationEndpoint", "");
        var metadata = ProviderDouble.MetadataOf();
        metadata["token_endpoint_auth_methods_supported"] = new[] { "client_secret_basic", "private_key_jwt" };
        app.Provider.ServingMetadata(metadata);
        using var browser = app.CreateBrowser();

        await ClientFlow.StartAsync(browser);
        await ClientFlow.StartAsync(browser);

        var warning = Assert.Single(app.Logs.GetSnapshot(), r => r.Id.Id == 1035);
        Assert.Equal(Microsoft.Extensions.Logging.LogLevel.Warning, warning.Level);
        Assert.Contains("client_secret_post", warning.Message);
        Assert.Contains("AgilePlanner:ClientAuthentication", warning.Message);
    }

    [Theory]
    [InlineData("public-pem", "the public half only")]
    [InlineData("public-jwk", "has no private part")]
    [InlineData("broken-private-pem", "could not be read as a key")]
    [InlineData("missing", "does not exist")]
    [InlineData("none", "AgilePlanner:ClientKeyFile is missing")]
    public async Task A_key_file_that_cannot_be_used_stops_the_start_naming_the_setting_and_without_the_key(string kind, string message)
    {
        var privatePem = _key.PrivateKeyPem;
        // Still base64, no longer a key: the message must not quote what it could not read.
        var secondLine = privatePem.Split('\n')[2];
        var broken = privatePem.Replace(secondLine, secondLine[..^8], StringComparison.Ordinal);
        var path = kind switch
        {
            "public-pem" => await WriteAsync("key.pem", _key.PublicKeyPem),
            "public-jwk" => await WriteAsync("key.json", JsonDocument.Parse(_key.PublicJwks()).RootElement.GetProperty("keys")[0].GetRawText()),
            "broken-private-pem" => await WriteAsync("key.pem", broken),
            "missing" => Path.Combine(_folder, "nowhere.pem"),
            _ => null,
        };
        var settings = new Dictionary<string, string>
        {
            ["Sandbox__Enabled"] = "false",
            ["AgilePlanner__ClientId"] = "my-client",
            ["AgilePlanner__Issuer"] = "https://provider.example/",
            ["AgilePlanner__ApiBaseUrl"] = "https://provider.example/api/v1/",
            ["AgilePlanner__ClientAuthentication"] = "private_key_jwt",
        };
        if (path is not null)
        {
            settings["AgilePlanner__ClientKeyFile"] = path;
        }

        var result = await AppProcess.RunUntilItStopsAsync(settings, "--urls", $"http://127.0.0.1:{LoopbackPorts.Free()}");

        Assert.True(result.StoppedOnItsOwn, "The app kept running.");
        Assert.Equal(1, result.ExitCode);
        var line = Assert.Single(result.ErrorLines);
        Assert.StartsWith("AgilePlanner:ClientKeyFile", line);
        Assert.Contains(message, line);
        var output = result.StandardOutput + result.StandardError;
        Assert.DoesNotContain("   at ", output);
        foreach (var keyLine in privatePem.Split('\n').Concat(_key.PublicKeyPem.Split('\n')).Where(l => l.Length > 20 && !l.StartsWith("-----", StringComparison.Ordinal)))
        {
            Assert.DoesNotContain(keyLine[..20], output);
        }
    }

    /// <summary>Checks the assertion's signature with the registered public key and its claims (RFC 7523 section 3); returns its jti.</summary>
    private async Task<string> AssertValidAssertionAsync(string assertion, string clientId)
    {
        var result = await new JsonWebTokenHandler().ValidateTokenAsync(assertion, new TokenValidationParameters
        {
            IssuerSigningKey = new RsaSecurityKey(_key.Key.Rsa.ExportParameters(false)),
            ValidIssuer = clientId,
            ValidAudience = Issuer,
            ValidTypes = ["client-authentication+jwt"],
            ClockSkew = TimeSpan.Zero,
        });
        Assert.True(result.IsValid, result.Exception?.Message);
        var token = (JsonWebToken)result.SecurityToken;
        Assert.Equal(clientId, token.Subject);
        Assert.Equal("RS256", token.Alg);
        Assert.Equal(_key.Key.KeyId, token.Kid);
        Assert.Equal(TimeSpan.FromSeconds(60), token.ValidTo - token.IssuedAt);
        Assert.False(string.IsNullOrEmpty(token.Id));
        return token.Id;
    }

    private static Dictionary<string, string> Form(WireExchange exchange) =>
        QueryHelpers.ParseQuery(exchange.RequestBody).ToDictionary(p => p.Key, p => p.Value.ToString());

    /// <summary>Registers an application with <paramref name="publicKeys"/> and no secret through the developer portal's form.</summary>
    private static async Task<string> RegisterWithKeyAsync(AgilePlannerAppFactory app, string publicKeys)
    {
        using var developer = await SandboxUser.SignUpAsync(app);
        var page = await developer.GetPageAsync("/sandbox/developers/new");
        var form = (IHtmlFormElement)page.QuerySelector("form[action='/sandbox/developers/new']")!;
        ((IHtmlInputElement)form.Elements["IssueSecret"]!).IsChecked = false;
        using var registered = await developer.Browser.SubmitAsync(form, new Dictionary<string, string>
        {
            ["Name"] = "Key App",
            ["CallbackUrls"] = "http://localhost/callback",
            ["PublicKeys"] = publicKeys,
        });
        Assert.Equal(HttpStatusCode.Redirect, registered.StatusCode);
        var edit = await developer.GetPageAsync(registered.Headers.Location!.OriginalString);
        return edit.QuerySelector("#client-id")!.TextContent;
    }

    private async Task<string> WriteAsync(string name, string content)
    {
        Directory.CreateDirectory(_folder);
        var path = Path.Combine(_folder, name);
        await File.WriteAllTextAsync(path, content, Cancel);
        return path;
    }

    public ValueTask DisposeAsync()
    {
        _key.Dispose();
        try
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            if (Directory.Exists(_folder))
            {
                Directory.Delete(_folder, recursive: true);
            }
        }
        catch (IOException)
        {
            // A file still held by a finishing host; the temp folder is cleaned by the OS.
        }
        return ValueTask.CompletedTask;
    }
}
