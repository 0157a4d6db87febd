using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using AgilePlanner.Api;
using Microsoft.Extensions.Logging;

namespace AgilePlanner.AspNetCore;

/// <summary>
/// Reads a provider's authorization server metadata (RFC 8414) over the back channel: first at
/// <c>/.well-known/oauth-authorization-server</c> (inserted before the issuer's path, RFC 8414 section 3.1), then at the
/// issuer's <c>/.well-known/openid-configuration</c>. Each read has a timeout and a size cap; a document is used only when its
/// <c>issuer</c> is exactly the configured one (section 3.3) and it offers PKCE with S256. Answers are kept for the refresh
/// interval, failures for a few seconds, so a provider that comes back is found again without a restart.
/// </summary>
internal sealed class ProviderMetadataManager(IHttpClientFactory clients, TimeProvider time, ILogger<ProviderMetadataManager> logger) : IDisposable
{
    /// <summary>The metadata's own client: no redirects, no recording of other handlers.</summary>
    public const string HttpClientName = AgilePlannerAuthenticationDefaults.MetadataHttpClientName;

    /// <summary>A metadata document larger than this is refused.</summary>
    public const int MaxBytes = 64 * 1024;

    public const string AuthorizationServerSuffix = "/.well-known/oauth-authorization-server";
    public const string OpenIdSuffix = "/.well-known/openid-configuration";

    /// <summary>How long a failure is remembered before the provider is asked again.</summary>
    private static readonly TimeSpan RetryAfterFailure = TimeSpan.FromSeconds(5);

    private const int MaxEntries = 32;

    private readonly ConcurrentDictionary<string, Entry> _entries = new(StringComparer.Ordinal);
    private readonly SemaphoreSlim _gate = new(1, 1);

    public void Dispose() => _gate.Dispose();

    /// <summary>The metadata of <paramref name="expectedIssuer"/>, read from <paramref name="fetchIssuer"/> (the same URL, or this server's own address for a co-hosted provider).</summary>
    public async Task<ProviderMetadataResult> GetAsync(string expectedIssuer, Uri fetchIssuer, TimeSpan refreshInterval, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var key = expectedIssuer + " " + fetchIssuer.AbsoluteUri;
        if (Fresh(key, refreshInterval) is { } cached)
        {
            return cached;
        }

        await _gate.WaitAsync(cancellationToken);
        try
        {
            if (Fresh(key, refreshInterval) is { } again)
            {
                return again;
            }
            var result = await ReadAsync(expectedIssuer, fetchIssuer, timeout, cancellationToken);
            if (_entries.Count >= MaxEntries)
            {
                _entries.Clear();
            }
            _entries[key] = new Entry(result, time.GetUtcNow());
            if (result.Problem is { } problem)
            {
                // A warning where the metadata is needed (the resolver says so); here only what was tried.
                logger.MetadataReadFailed(expectedIssuer, problem);
            }
            else
            {
                logger.MetadataRead(expectedIssuer, result.Metadata!.PushedAuthorizationEndpoint is not null, result.Metadata.RequirePushedAuthorization);
            }
            return result;
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>The RFC 8414 address of an issuer's metadata: the well-known suffix inserted between the host and the issuer's path.</summary>
    public static string AuthorizationServerAddress(Uri issuer) =>
        issuer.GetLeftPart(UriPartial.Authority) + AuthorizationServerSuffix + issuer.AbsolutePath.TrimEnd('/');

    /// <summary>The OpenID Connect Discovery address: the suffix appended to the issuer.</summary>
    public static string OpenIdAddress(Uri issuer) =>
        issuer.GetLeftPart(UriPartial.Authority) + issuer.AbsolutePath.TrimEnd('/') + OpenIdSuffix;

    private ProviderMetadataResult? Fresh(string key, TimeSpan refreshInterval) =>
        _entries.TryGetValue(key, out var entry)
        && time.GetUtcNow() - entry.At < (entry.Result.Metadata is null ? RetryAfterFailure : refreshInterval)
            ? entry.Result
            : null;

    private async Task<ProviderMetadataResult> ReadAsync(string expectedIssuer, Uri fetchIssuer, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var first = await FetchAsync(AuthorizationServerAddress(fetchIssuer), timeout, cancellationToken);
        if (first.Document is { } document)
        {
            return Check(document, expectedIssuer);
        }
        if (!first.TryNext)
        {
            return ProviderMetadataResult.Failed(first.Problem!);
        }

        var second = await FetchAsync(OpenIdAddress(fetchIssuer), timeout, cancellationToken);
        return second.Document is { } fallback
            ? Check(fallback, expectedIssuer)
            : ProviderMetadataResult.Failed($"{first.Problem}; {second.Problem}");
    }

    private async Task<Fetched> FetchAsync(string address, TimeSpan timeout, CancellationToken cancellationToken)
    {
        // The address is shown without its host's query (there is none) and only as configured: it comes from the settings.
        var where = new Uri(address).AbsolutePath;
        using var deadline = new CancellationTokenSource(timeout, time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, deadline.Token);
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, address);
            request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
            using var response = await clients.CreateClient(HttpClientName).SendAsync(request, HttpCompletionOption.ResponseHeadersRead, linked.Token);
            if (!response.IsSuccessStatusCode)
            {
                return new Fetched(null, $"{where} answered {(int)response.StatusCode}", TryNext: response.StatusCode is HttpStatusCode.NotFound or HttpStatusCode.MethodNotAllowed or HttpStatusCode.BadRequest or HttpStatusCode.Forbidden or HttpStatusCode.Unauthorized || (int)response.StatusCode is >= 300 and < 400);
            }
            if (response.Content.Headers.ContentLength > MaxBytes)
            {
                return new Fetched(null, $"{where} is larger than {MaxBytes / 1024} KB", TryNext: false);
            }

            await using var stream = await response.Content.ReadAsStreamAsync(linked.Token);
            var buffer = new MemoryStream();
            var chunk = new byte[8192];
            int read;
            while ((read = await stream.ReadAsync(chunk, linked.Token)) > 0)
            {
                if (buffer.Length + read > MaxBytes)
                {
                    return new Fetched(null, $"{where} is larger than {MaxBytes / 1024} KB", TryNext: false);
                }
                buffer.Write(chunk, 0, read);
            }

            try
            {
                using var json = JsonDocument.Parse(buffer.ToArray());
                return json.RootElement.ValueKind == JsonValueKind.Object
                    ? new Fetched(json.RootElement.Clone(), null, TryNext: false)
                    : new Fetched(null, $"{where} is not a JSON object", TryNext: true);
            }
            catch (JsonException)
            {
                return new Fetched(null, $"{where} is not JSON", TryNext: true);
            }
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return new Fetched(null, $"{where} did not answer within {timeout.TotalSeconds:0.#} s".Replace(',', '.'), TryNext: false);
        }
        catch (HttpRequestException exception)
        {
            return new Fetched(null, $"{where} could not be reached ({exception.HttpRequestError})", TryNext: false);
        }
    }

    private static ProviderMetadataResult Check(JsonElement document, string expectedIssuer)
    {
        var issuer = Text(document, "issuer");
        if (!string.Equals(issuer, expectedIssuer, StringComparison.Ordinal))
        {
            return ProviderMetadataResult.Failed($"the metadata names the issuer '{ProviderText.Clean(issuer, 200) ?? "(none)"}', not the configured '{expectedIssuer}'");
        }
        var methods = document.TryGetProperty("code_challenge_methods_supported", out var m) && m.ValueKind == JsonValueKind.Array
            ? m.EnumerateArray().Where(e => e.ValueKind == JsonValueKind.String).Select(e => e.GetString()).ToList()
            : [];
        if (!methods.Contains("S256", StringComparer.Ordinal))
        {
            return ProviderMetadataResult.Failed("the metadata does not list S256 in code_challenge_methods_supported (PKCE is required)");
        }
        if (Endpoint(document, "authorization_endpoint") is not { } authorization || Endpoint(document, "token_endpoint") is not { } token)
        {
            return ProviderMetadataResult.Failed("the metadata lacks an http(s) authorization_endpoint or token_endpoint");
        }

        return new ProviderMetadataResult(
            new ProviderMetadata(
                issuer!,
                authorization,
                token,
                Endpoint(document, "revocation_endpoint"),
                Endpoint(document, "pushed_authorization_request_endpoint"),
                Flag(document, "require_pushed_authorization_requests"),
                Flag(document, "authorization_response_iss_parameter_supported"))
            {
                TokenEndpointAuthMethods = document.TryGetProperty("token_endpoint_auth_methods_supported", out var auth) && auth.ValueKind == JsonValueKind.Array
                    ? [.. auth.EnumerateArray().Where(e => e.ValueKind == JsonValueKind.String).Select(e => e.GetString()!).Take(20)]
                    : [],
            },
            null);
    }

    private static string? Text(JsonElement document, string name) =>
        document.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private static bool Flag(JsonElement document, string name) =>
        document.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.True;

    private static string? Endpoint(JsonElement document, string name) =>
        Text(document, name) is { } text && Uri.TryCreate(text, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https"
            && string.IsNullOrEmpty(uri.Fragment) && string.IsNullOrEmpty(uri.UserInfo)
            ? text
            : null;

    private sealed record Entry(ProviderMetadataResult Result, DateTimeOffset At);

    private sealed record Fetched(JsonElement? Document, string? Problem, bool TryNext);
}
