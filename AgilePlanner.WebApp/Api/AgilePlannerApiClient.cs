using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using AgilePlanner.WebApp.Authentication;
using AgilePlanner.WebApp.Security;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Options;
using Polly.CircuitBreaker;
using Polly.Timeout;

namespace AgilePlanner.WebApp.Api;

/// <summary>
/// Agile Planner's API v1, as the contract describes it. The bearer token is attached by <see cref="BearerTokenHandler"/>;
/// failures become an <see cref="ApiException"/> that names what the user should see.
/// </summary>
public sealed class AgilePlannerApiClient(
    HttpClient http,
    IHttpContextAccessor httpContextAccessor,
    IOptionsMonitor<AgilePlannerAuthenticationOptions> options,
    ILogger<AgilePlannerApiClient> logger)
{
    public const int PageSize = 25;

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public Task<Me> GetMeAsync(CancellationToken cancellationToken) => GetAsync<Me>("me", cancellationToken, cacheable: true);

    public Task<Page<Project>> GetProjectsAsync(string? cursor, CancellationToken cancellationToken) =>
        GetAsync<Page<Project>>(WithQuery("projects", ("limit", PageSize.ToString(CultureInfo.InvariantCulture)), ("cursor", cursor)), cancellationToken);

    public Task<Project> GetProjectAsync(string projectId, CancellationToken cancellationToken) =>
        GetAsync<Project>($"projects/{Uri.EscapeDataString(projectId)}", cancellationToken, cacheable: true);

    public Task<Page<Iteration>> GetIterationsAsync(string projectId, CancellationToken cancellationToken) =>
        GetAsync<Page<Iteration>>(WithQuery($"projects/{Uri.EscapeDataString(projectId)}/iterations", ("limit", "100")), cancellationToken, cacheable: true);

    /// <summary>The contract's <c>iteration</c> is the iteration's <c>number</c> (as in <c>currentIteration</c>), not its id.</summary>
    public Task<Page<Story>> GetStoriesAsync(string projectId, int? iterationNumber, string? state, string? cursor, CancellationToken cancellationToken) =>
        GetAsync<Page<Story>>(
            WithQuery($"projects/{Uri.EscapeDataString(projectId)}/stories",
                ("iteration", iterationNumber?.ToString(CultureInfo.InvariantCulture)), ("state", state), ("limit", PageSize.ToString(CultureInfo.InvariantCulture)), ("cursor", cursor)),
            cancellationToken);

    public async Task<Story> CreateStoryAsync(string projectId, NewStory story, CancellationToken cancellationToken)
    {
        var path = $"projects/{Uri.EscapeDataString(projectId)}/stories";
        using var request = new HttpRequestMessage(HttpMethod.Post, Address(path)) { Content = JsonContent.Create(story, options: Json) };
        return await SendAsync<Story>(request, cancellationToken);
    }

    /// <summary>A GET; <paramref name="cacheable"/> lets <see cref="ApiResponseCache"/> answer it for a short while.</summary>
    private async Task<T> GetAsync<T>(string path, CancellationToken cancellationToken, bool cacheable = false)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, Address(path));
        request.Options.Set(ApiResponseCache.Cacheable, cacheable);
        return await SendAsync<T>(request, cancellationToken);
    }

    private async Task<T> SendAsync<T>(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var method = request.Method.Method;
        var path = request.RequestUri!.AbsolutePath;
        request.Headers.Accept.ParseAdd("application/json");
        HttpResponseMessage response;
        try
        {
            response = await http.SendAsync(request, cancellationToken);
        }
        catch (Exception exception) when (exception is HttpRequestException or TimeoutRejectedException or BrokenCircuitException
            || (exception is TaskCanceledException && !cancellationToken.IsCancellationRequested))
        {
            logger.ApiUnavailable(method, path, exception.GetType().Name);
            throw new ApiException(ApiFailure.Unavailable, "Agile Planner's API could not be reached.");
        }

        using (response)
        {
            if (response.IsSuccessStatusCode)
            {
                try
                {
                    return await response.Content.ReadFromJsonAsync<T>(Json, cancellationToken)
                        ?? throw new JsonException("An empty answer.");
                }
                catch (Exception exception) when (exception is JsonException or NotSupportedException)
                {
                    logger.ApiUnavailable(method, path, "unreadable answer");
                    throw new ApiException(ApiFailure.Unavailable, "Agile Planner's API answered with something other than the expected JSON.");
                }
            }

            logger.ApiCallFailed(method, path, (int)response.StatusCode);
            throw response.StatusCode switch
            {
                HttpStatusCode.Unauthorized => new ApiException(ApiFailure.ConnectionExpired, "The API refused the access token."),
                HttpStatusCode.Forbidden => new ApiException(ApiFailure.InsufficientScope, "The token lacks a scope.") { RequiredScope = RequiredScope(response) },
                HttpStatusCode.NotFound => new ApiException(ApiFailure.NotFound, "Not found."),
                HttpStatusCode.BadRequest or HttpStatusCode.UnprocessableEntity => new ApiException(ApiFailure.Rejected, "The API refused the request.")
                {
                    ApiMessage = await ErrorMessageAsync(response, cancellationToken),
                },
                _ => new ApiException(ApiFailure.Unavailable, "Agile Planner's API failed."),
            };
        }
    }

    /// <summary>RFC 6750 section 3.1: <c>WWW-Authenticate: Bearer error="insufficient_scope", scope="write"</c>.</summary>
    private static string? RequiredScope(HttpResponseMessage response)
    {
        foreach (var challenge in response.Headers.WwwAuthenticate)
        {
            var parameter = challenge.Parameter ?? string.Empty;
            var start = parameter.IndexOf("scope=\"", StringComparison.OrdinalIgnoreCase);
            while (start > 0 && parameter[start - 1] is not (' ' or ','))
            {
                start = parameter.IndexOf("scope=\"", start + 1, StringComparison.OrdinalIgnoreCase);
            }
            if (start < 0)
            {
                continue;
            }
            start += "scope=\"".Length;
            var end = parameter.IndexOf('"', start);
            if (end > start)
            {
                var scopes = parameter[start..end].Split(' ', StringSplitOptions.RemoveEmptyEntries).Where(Configuration.Scopes.IsValid).ToArray();
                return scopes.Length == 0 ? null : string.Join(' ', scopes);
            }
        }
        return null;
    }

    private static async Task<string?> ErrorMessageAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        try
        {
            using var document = await JsonDocument.ParseAsync(await response.Content.ReadAsStreamAsync(cancellationToken), cancellationToken: cancellationToken);
            return document.RootElement.ValueKind == JsonValueKind.Object && document.RootElement.TryGetProperty("message", out var message) && message.ValueKind == JsonValueKind.String
                ? ProviderText.Description(message.GetString())
                : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private Uri Address(string relativePath)
    {
        var request = httpContextAccessor.HttpContext?.Request ?? throw new InvalidOperationException("API calls are made while handling a request.");
        return new Uri(AgilePlannerEndpoints.Api(options.Get(AgilePlannerAuthenticationDefaults.AuthenticationScheme), request), relativePath);
    }

    private static string WithQuery(string path, params (string Name, string? Value)[] parameters) =>
        QueryHelpers.AddQueryString(path, parameters.Where(p => !string.IsNullOrEmpty(p.Value)).Select(p => new KeyValuePair<string, string?>(p.Name, p.Value)));
}
