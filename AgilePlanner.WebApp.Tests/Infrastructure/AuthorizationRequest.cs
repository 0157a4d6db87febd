using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.WebUtilities;

namespace AgilePlanner.WebApp.Tests.Infrastructure;

/// <summary>
/// An OAuth 2 authorization request to the sandbox, built by hand as a client would: a fresh state and
/// PKCE code verifier each time. Set a property to null to leave that parameter out.
/// </summary>
public sealed record AuthorizationRequest
{
    public string? ResponseType { get; init; } = "code";

    public string? ClientId { get; init; } = SandboxClient.WebApp.ClientId;

    public string? RedirectUri { get; init; } = SandboxClient.WebApp.RedirectUri;

    public string? Scope { get; init; } = "read";

    public string? State { get; init; } = RandomText();

    public string CodeVerifier { get; init; } = RandomText() + RandomText();

    /// <summary><c>S256</c> (default), <c>plain</c>, or null for no PKCE at all.</summary>
    public string? CodeChallengeMethod { get; init; } = "S256";

    public static AuthorizationRequest For(SandboxClient client, string scope = "read") =>
        new() { ClientId = client.ClientId, RedirectUri = client.RedirectUri, Scope = scope };

    public string CodeChallenge => CodeChallengeMethod == "plain"
        ? CodeVerifier
        : Base64UrlTextEncoder.Encode(SHA256.HashData(Encoding.ASCII.GetBytes(CodeVerifier)));

    /// <summary>The path and query of <c>/sandbox/oauth/authorize</c>.</summary>
    public string ToUrl()
    {
        var query = new Dictionary<string, string?>
        {
            ["response_type"] = ResponseType,
            ["client_id"] = ClientId,
            ["redirect_uri"] = RedirectUri,
            ["scope"] = Scope,
            ["state"] = State,
        };
        if (CodeChallengeMethod is not null)
        {
            query["code_challenge"] = CodeChallenge;
            query["code_challenge_method"] = CodeChallengeMethod;
        }
        return QueryHelpers.AddQueryString("/sandbox/oauth/authorize", query.Where(p => p.Value is not null));
    }

    private static string RandomText() => Base64UrlTextEncoder.Encode(RandomNumberGenerator.GetBytes(24));
}
