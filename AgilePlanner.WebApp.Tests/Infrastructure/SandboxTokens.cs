using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;

namespace AgilePlanner.WebApp.Tests.Infrastructure;

/// <summary>The sandbox's token and revocation endpoints, called as a confidential client would (form posts).</summary>
public static class SandboxTokens
{
    public const string TokenPath = "/sandbox/oauth/token";
    public const string RevocationPath = "/sandbox/oauth/revoke";

    public static Task<HttpResponseMessage> RedeemCodeAsync(
        HttpClient http, string code, AuthorizationRequest request, SandboxClient? client = null, string? codeVerifier = null)
    {
        client ??= SandboxClient.WebApp;
        var form = new Dictionary<string, string>
        {
            ["grant_type"] = "authorization_code",
            ["code"] = code,
            ["redirect_uri"] = request.RedirectUri ?? client.RedirectUri,
            ["client_id"] = client.ClientId,
            ["client_secret"] = client.ClientSecret,
        };
        if ((codeVerifier ?? (request.CodeChallengeMethod is null ? null : request.CodeVerifier)) is { } verifier)
        {
            form["code_verifier"] = verifier;
        }
        return PostFormAsync(http, TokenPath, form);
    }

    public static Task<HttpResponseMessage> RefreshAsync(HttpClient http, string refreshToken, SandboxClient? client = null)
    {
        client ??= SandboxClient.WebApp;
        return PostFormAsync(http, TokenPath, new Dictionary<string, string>
        {
            ["grant_type"] = "refresh_token",
            ["refresh_token"] = refreshToken,
            ["client_id"] = client.ClientId,
            ["client_secret"] = client.ClientSecret,
        });
    }

    public static Task<HttpResponseMessage> RevokeAsync(HttpClient http, string token, string? tokenTypeHint = null, SandboxClient? client = null)
    {
        client ??= SandboxClient.WebApp;
        var form = new Dictionary<string, string>
        {
            ["token"] = token,
            ["client_id"] = client.ClientId,
            ["client_secret"] = client.ClientSecret,
        };
        if (tokenTypeHint is not null)
        {
            form["token_type_hint"] = tokenTypeHint;
        }
        return PostFormAsync(http, RevocationPath, form);
    }

    public static async Task<HttpResponseMessage> PostFormAsync(
        HttpClient http, string path, IReadOnlyDictionary<string, string> form, AuthenticationHeaderValue? authorization = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new FormUrlEncodedContent(form) };
        request.Headers.Authorization = authorization;
        return await http.SendAsync(request, TestContext.Current.CancellationToken);
    }

    public static AuthenticationHeaderValue Basic(SandboxClient client) =>
        new("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes(
            Uri.EscapeDataString(client.ClientId) + ":" + Uri.EscapeDataString(client.ClientSecret))));

    public static async Task<TokenResponse> ReadAsync(HttpResponseMessage response) =>
        await response.Content.ReadFromJsonAsync<TokenResponse>(TestContext.Current.CancellationToken)
        ?? throw new InvalidOperationException("The token endpoint answered no JSON.");

    /// <summary>Calls the API with a Bearer token.</summary>
    public static async Task<HttpResponseMessage> GetApiAsync(HttpClient http, string path, string? accessToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/sandbox/api/v1" + path);
        if (accessToken is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", accessToken);
        }
        return await http.SendAsync(request, TestContext.Current.CancellationToken);
    }
}
