using System.Collections.Concurrent;
using System.Net;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.WebUtilities;

namespace AgilePlanner.WebApp.Tests.Infrastructure;

/// <summary>
/// A stand-in for a remote Agile Planner at <see cref="Origin"/>, answering only the calls a test set up.
/// Every request is recorded; a call nobody expected is recorded as unexpected and fails the test.
/// </summary>
public sealed class ProviderDouble : HttpMessageHandler
{
    public const string Origin = "https://provider.test";
    public const string Issuer = Origin + "/";
    public const string AuthorizationEndpoint = Origin + "/oauth/authorize";
    public const string TokenEndpoint = Origin + "/oauth/token";
    public const string RevocationEndpoint = Origin + "/oauth/revoke";
    public const string ApiBaseUrl = Origin + "/api/v1/";

    private readonly ConcurrentQueue<RecordedRequest> _requests = new();
    private readonly ConcurrentQueue<string> _unexpected = new();
    private readonly ConcurrentQueue<IssuedTokens> _issued = new();

    /// <summary>The tokens handed out by <see cref="IssuingTokens"/>, in order.</summary>
    public IReadOnlyList<IssuedTokens> Issued => _issued.ToList();

    /// <summary>Answers <c>POST /oauth/token</c>; null means a token call is unexpected.</summary>
    public Func<RecordedRequest, CancellationToken, Task<HttpResponseMessage>>? Token { get; set; }

    /// <summary>Answers <c>POST /oauth/revoke</c>; null means a revocation is unexpected.</summary>
    public Func<RecordedRequest, HttpResponseMessage>? Revoke { get; set; }

    /// <summary>Answers <c>GET</c> of any path with <c>/.well-known/</c> in it (the metadata, RFC 8414); null means unexpected.</summary>
    public Func<RecordedRequest, CancellationToken, Task<HttpResponseMessage>>? Metadata { get; set; }

    /// <summary>Answers <c>POST /oauth/par</c> (RFC 9126); null means a push is unexpected.</summary>
    public Func<RecordedRequest, HttpResponseMessage>? Push { get; set; }

    public IReadOnlyList<RecordedRequest> MetadataRequests => _requests.Where(r => r.Uri.AbsolutePath.Contains("/.well-known/", StringComparison.Ordinal)).ToList();

    public IReadOnlyList<RecordedRequest> PushRequests => _requests.Where(r => r.Uri.AbsolutePath == "/oauth/par").ToList();

    /// <summary>The metadata of an issuer as this double serves it: its endpoints, S256, RFC 9207 iss.</summary>
    public static Dictionary<string, object?> MetadataOf(string issuer = Issuer) => new()
    {
        ["issuer"] = issuer,
        ["authorization_endpoint"] = AuthorizationEndpoint,
        ["token_endpoint"] = TokenEndpoint,
        ["revocation_endpoint"] = RevocationEndpoint,
        ["code_challenge_methods_supported"] = new[] { "S256" },
        ["authorization_response_iss_parameter_supported"] = true,
        ["response_types_supported"] = new[] { "code" },
    };

    /// <summary>Serves <paramref name="metadata"/> at exactly <paramref name="path"/>; any other well-known path answers 404.</summary>
    public ProviderDouble ServingMetadata(IDictionary<string, object?> metadata, string path = "/.well-known/oauth-authorization-server")
    {
        Metadata = (request, _) => Task.FromResult(request.Uri.AbsolutePath == path
            ? Json(HttpStatusCode.OK, metadata)
            : new HttpResponseMessage(HttpStatusCode.NotFound));
        return this;
    }

    /// <summary>Answers API calls by path relative to the API base (<c>me</c>, <c>projects</c>...); null means unexpected.</summary>
    public Func<RecordedRequest, string, HttpResponseMessage?>? Api { get; set; }

    public IReadOnlyCollection<RecordedRequest> Requests => _requests;

    public IReadOnlyCollection<string> Unexpected => _unexpected;

    public IReadOnlyList<RecordedRequest> TokenRequests => _requests.Where(r => r.Uri.AbsolutePath == "/oauth/token").ToList();

    public IReadOnlyList<RecordedRequest> ApiRequests => _requests.Where(r => r.Uri.AbsolutePath.StartsWith("/api/v1/", StringComparison.Ordinal)).ToList();

    /// <summary>Sets the double up to hand out tokens for any code or refresh token, counting them.</summary>
    public ProviderDouble IssuingTokens(int expiresIn = 3600, string scope = "read")
    {
        var issued = 0;
        Token = (request, _) =>
        {
            var n = Interlocked.Increment(ref issued);
            var tokens = new IssuedTokens($"access-{n}-{Guid.NewGuid():N}", $"refresh-{n}-{Guid.NewGuid():N}");
            _issued.Enqueue(tokens);
            return Task.FromResult(Json(HttpStatusCode.OK, new
            {
                access_token = tokens.AccessToken,
                token_type = "Bearer",
                expires_in = expiresIn,
                refresh_token = tokens.RefreshToken,
                scope,
            }));
        };
        return this;
    }

    /// <summary>Serves <c>GET /me</c> as Ada Lovelace, plus whatever <paramref name="more"/> answers.</summary>
    public ProviderDouble ServingApi(Func<RecordedRequest, string, HttpResponseMessage?>? more = null)
    {
        Api = (request, path) => more?.Invoke(request, path) ?? (path == "me"
            ? Json(HttpStatusCode.OK, new { id = 1, name = "Ada Lovelace", email = "demo@agileplanner.test", company = "Analytical Engines", timeZone = "Europe/London", createdAt = "2024-01-01T00:00:00Z" })
            : null);
        return this;
    }

    public static HttpResponseMessage Json(HttpStatusCode status, object body) =>
        new(status) { Content = new StringContent(JsonSerializer.Serialize(body), Encoding.UTF8, "application/json") };

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var body = request.Content is null ? string.Empty : await request.Content.ReadAsStringAsync(cancellationToken);
        var recorded = new RecordedRequest(
            request.Method.Method,
            request.RequestUri!,
            request.Headers.Authorization?.ToString(),
            body,
            request.Content?.Headers.ContentType?.MediaType == "application/x-www-form-urlencoded"
                ? QueryHelpers.ParseQuery(body).ToDictionary(p => p.Key, p => p.Value.ToString())
                : new Dictionary<string, string>())
        {
            IfNoneMatch = [.. request.Headers.IfNoneMatch.Select(tag => tag.ToString())],
        };
        _requests.Enqueue(recorded);

        var uri = request.RequestUri!;
        HttpResponseMessage? response = null;
        if (uri.GetLeftPart(UriPartial.Authority) == Origin)
        {
            if (uri.AbsolutePath == "/oauth/token" && request.Method == HttpMethod.Post && Token is not null)
            {
                response = await Token(recorded, cancellationToken);
            }
            else if (uri.AbsolutePath == "/oauth/revoke" && request.Method == HttpMethod.Post && Revoke is not null)
            {
                response = Revoke(recorded);
            }
            else if (uri.AbsolutePath.Contains("/.well-known/", StringComparison.Ordinal) && request.Method == HttpMethod.Get && Metadata is not null)
            {
                response = await Metadata(recorded, cancellationToken);
            }
            else if (uri.AbsolutePath == "/oauth/par" && request.Method == HttpMethod.Post && Push is not null)
            {
                response = Push(recorded);
            }
            else if (uri.AbsolutePath.StartsWith("/api/v1/", StringComparison.Ordinal) && Api is not null)
            {
                response = Api(recorded, uri.PathAndQuery["/api/v1/".Length..]);
            }
        }

        if (response is null)
        {
            _unexpected.Enqueue($"{request.Method} {uri}");
            throw new InvalidOperationException($"The provider double did not expect {request.Method} {uri}.");
        }
        response.RequestMessage = request;
        return response;
    }
}
