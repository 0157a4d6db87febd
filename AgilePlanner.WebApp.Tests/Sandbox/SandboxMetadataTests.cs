using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using AgilePlanner.WebApp.Tests.Infrastructure;

namespace AgilePlanner.WebApp.Tests.Sandbox;

/// <summary>The sandbox's authorization server metadata (RFC 8414) as a client reading it from the issuer alone finds it.</summary>
public sealed class SandboxMetadataTests : IAsyncLifetime
{
    private const string Issuer = "http://localhost/sandbox/";

    private readonly AgilePlannerAppFactory _app = new();

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData("/sandbox/.well-known/oauth-authorization-server")]
    [InlineData("/.well-known/oauth-authorization-server/sandbox")]
    [InlineData("/sandbox/.well-known/openid-configuration")]
    [InlineData("/.well-known/openid-configuration/sandbox")]
    public async Task Metadata_names_the_exact_issuer_and_what_a_client_needs(string path)
    {
        using var http = _app.CreateClient();

        using var response = await http.GetAsync(path, Cancel);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        var metadata = await response.Content.ReadFromJsonAsync<JsonElement>(Cancel);
        Assert.Equal(Issuer, metadata.GetProperty("issuer").GetString());
        Assert.Equal(Issuer + "oauth/authorize", metadata.GetProperty("authorization_endpoint").GetString());
        Assert.Equal(Issuer + "oauth/token", metadata.GetProperty("token_endpoint").GetString());
        Assert.Equal(Issuer + "oauth/revoke", metadata.GetProperty("revocation_endpoint").GetString());
        Assert.Equal(Issuer + "oauth/par", metadata.GetProperty("pushed_authorization_request_endpoint").GetString());
        Assert.True(metadata.GetProperty("authorization_response_iss_parameter_supported").GetBoolean());
        Assert.Equal(["S256"], Strings(metadata, "code_challenge_methods_supported"));
        Assert.False(metadata.TryGetProperty("require_pushed_authorization_requests", out var required) && required.GetBoolean());
        var methods = Strings(metadata, "token_endpoint_auth_methods_supported");
        Assert.Contains("client_secret_post", methods);
        Assert.Contains("client_secret_basic", methods);
        Assert.Contains("private_key_jwt", methods);
        Assert.Contains("private_key_jwt", Strings(metadata, "pushed_authorization_request_endpoint_auth_methods_supported"));
    }

    [Fact]
    public async Task Metadata_says_pushed_requests_are_required_when_the_sandbox_requires_them()
    {
        _app.With("Sandbox:RequirePushedAuthorization", "true");
        using var http = _app.CreateClient();

        var metadata = await http.GetFromJsonAsync<JsonElement>("/.well-known/oauth-authorization-server/sandbox", Cancel);

        Assert.True(metadata.GetProperty("require_pushed_authorization_requests").GetBoolean());
    }

    [Theory]
    [InlineData("/.well-known/oauth-authorization-server")]
    [InlineData("/.well-known/oauth-authorization-server/other")]
    [InlineData("/.well-known/oauth-authorization-server/sandbox/extra")]
    public async Task Metadata_is_not_served_for_an_issuer_the_sandbox_is_not(string path)
    {
        using var http = _app.CreateClient();

        using var response = await http.GetAsync(path, Cancel);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    private static string[] Strings(JsonElement metadata, string name) =>
        [.. metadata.GetProperty(name).EnumerateArray().Select(e => e.GetString()!)];

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public ValueTask DisposeAsync() => _app.DisposeAsync();
}
