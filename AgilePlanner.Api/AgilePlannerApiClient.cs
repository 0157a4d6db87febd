using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Runtime.CompilerServices;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Polly.CircuitBreaker;
using Polly.Timeout;

namespace AgilePlanner.Api;

/// <summary>
/// Agile Planner's API v1, as the contract describes it: a typed <see cref="HttpClient"/> registered by
/// <see cref="AgilePlannerApiServiceCollectionExtensions.AddAgilePlannerApi"/>. The bearer token comes from the registered
/// <see cref="IAgilePlannerTokenSource"/>; every failure is an <see cref="AgilePlannerApiException"/>.
/// </summary>
public sealed class AgilePlannerApiClient
{
    /// <summary>The name of the client's <see cref="HttpClient"/>, for adding handlers with <c>services.AddHttpClient(name)</c>.</summary>
    public const string HttpClientName = "AgilePlanner.Api";

    // The contract's largest page: a project's iterations are few, and read whole.
    private const int IterationPageSize = 100;

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    private readonly HttpClient _http;
    private readonly IOptionsMonitor<AgilePlannerApiOptions> _options;
    private readonly ILogger<AgilePlannerApiClient> _logger;

    /// <summary>Made by the HTTP client factory; resolve it from the container.</summary>
    /// <param name="http">The configured client.</param>
    /// <param name="options">The API options.</param>
    /// <param name="logger">Where failed calls are logged (method, path and status; never a token).</param>
    public AgilePlannerApiClient(HttpClient http, IOptionsMonitor<AgilePlannerApiOptions> options, ILogger<AgilePlannerApiClient> logger)
    {
        _http = http;
        _options = options;
        _logger = logger;
    }

    private int PageSize => Math.Clamp(_options.CurrentValue.PageSize, 1, 100);

    /// <summary>The user behind the token (<c>GET /me</c>).</summary>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The user.</returns>
    public Task<Me> GetMeAsync(CancellationToken cancellationToken = default) => GetAsync<Me>("me", cacheable: true, cancellationToken);

    /// <summary>One project (<c>GET /projects/{id}</c>).</summary>
    /// <param name="projectId">The project's id.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The project.</returns>
    public Task<Project> GetProjectAsync(string projectId, CancellationToken cancellationToken = default) =>
        GetAsync<Project>(ProjectPath(projectId), cacheable: true, cancellationToken);

    /// <summary>One page of the user's projects, for a page-at-a-time UI (<c>GET /projects</c>).</summary>
    /// <param name="cursor">The <see cref="Page{T}.NextCursor"/> of the previous page, or null for the first.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The page.</returns>
    public Task<Page<Project>> GetProjectsPageAsync(string? cursor = null, CancellationToken cancellationToken = default) =>
        GetAsync<Page<Project>>(WithQuery("projects", ("limit", Number(PageSize)), ("cursor", cursor)), cacheable: false, cancellationToken);

    /// <summary>All the user's projects, page after page, following <c>nextCursor</c>.</summary>
    /// <param name="cancellationToken">Cancels the enumeration.</param>
    /// <returns>The projects, read a page at a time as they are enumerated.</returns>
    public IAsyncEnumerable<Project> GetProjectsAsync(CancellationToken cancellationToken = default) =>
        AllAsync(cursor => GetProjectsPageAsync(cursor, cancellationToken), cancellationToken);

    /// <summary>One page of a project's iterations (<c>GET /projects/{id}/iterations</c>, 100 a page).</summary>
    /// <param name="projectId">The project's id.</param>
    /// <param name="cursor">The previous page's cursor, or null for the first.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The page.</returns>
    public Task<Page<Iteration>> GetIterationsPageAsync(string projectId, string? cursor = null, CancellationToken cancellationToken = default) =>
        GetAsync<Page<Iteration>>(WithQuery($"{ProjectPath(projectId)}/iterations", ("limit", Number(IterationPageSize)), ("cursor", cursor)), cacheable: true, cancellationToken);

    /// <summary>All of a project's iterations, following <c>nextCursor</c>.</summary>
    /// <param name="projectId">The project's id.</param>
    /// <param name="cancellationToken">Cancels the enumeration.</param>
    /// <returns>The iterations.</returns>
    public IAsyncEnumerable<Iteration> GetIterationsAsync(string projectId, CancellationToken cancellationToken = default) =>
        AllAsync(cursor => GetIterationsPageAsync(projectId, cursor, cancellationToken), cancellationToken);

    /// <summary>One page of a project's stories (<c>GET /projects/{id}/stories</c>).</summary>
    /// <param name="projectId">The project's id.</param>
    /// <param name="iterationNumber">Only the stories of the iteration with this <see cref="Iteration.Number"/> (not its id).</param>
    /// <param name="state">Only the stories in this state, such as <c>started</c>.</param>
    /// <param name="cursor">The previous page's cursor, or null for the first.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The page.</returns>
    public Task<Page<Story>> GetStoriesPageAsync(
        string projectId, int? iterationNumber = null, string? state = null, string? cursor = null, CancellationToken cancellationToken = default) =>
        GetAsync<Page<Story>>(
            WithQuery($"{ProjectPath(projectId)}/stories",
                ("iteration", iterationNumber is { } number ? Number(number) : null), ("state", state), ("limit", Number(PageSize)), ("cursor", cursor)),
            cacheable: false, cancellationToken);

    /// <summary>All of a project's stories that match, following <c>nextCursor</c>.</summary>
    /// <param name="projectId">The project's id.</param>
    /// <param name="iterationNumber">Only the stories of the iteration with this number.</param>
    /// <param name="state">Only the stories in this state.</param>
    /// <param name="cancellationToken">Cancels the enumeration.</param>
    /// <returns>The stories.</returns>
    public IAsyncEnumerable<Story> GetStoriesAsync(string projectId, int? iterationNumber = null, string? state = null, CancellationToken cancellationToken = default) =>
        AllAsync(cursor => GetStoriesPageAsync(projectId, iterationNumber, state, cursor, cancellationToken), cancellationToken);

    /// <summary>Creates a story (<c>POST /projects/{id}/stories</c>, scope <c>write</c>). Never retried: a retry could create it twice.</summary>
    /// <param name="projectId">The project's id.</param>
    /// <param name="story">The story to create.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The created story.</returns>
    public async Task<Story> CreateStoryAsync(string projectId, NewStory story, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(story);
        using var request = new HttpRequestMessage(HttpMethod.Post, Address($"{ProjectPath(projectId)}/stories")) { Content = JsonContent.Create(story, options: Json) };
        return await SendAsync<Story>(request, cancellationToken);
    }

    private static async IAsyncEnumerable<T> AllAsync<T>(Func<string?, Task<Page<T>>> page, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        string? cursor = null;
        var seen = new HashSet<string>(StringComparer.Ordinal);
        do
        {
            var current = await page(cursor);
            foreach (var item in current.Items)
            {
                yield return item;
            }
            cursor = current.NextCursor;
            cancellationToken.ThrowIfCancellationRequested();
        }
        // A server that hands back a cursor it gave before would loop for ever.
        while (!string.IsNullOrEmpty(cursor) && seen.Add(cursor));
    }

    private async Task<T> GetAsync<T>(string path, bool cacheable, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, Address(path));
        request.Options.Set(AgilePlannerResponseCache.Cacheable, cacheable);
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
            response = await _http.SendAsync(request, cancellationToken);
            AgilePlannerApiTelemetry.Calls.Add(1, new KeyValuePair<string, object?>("http.response.status_code", (int)response.StatusCode));
        }
        catch (Exception exception) when (exception is HttpRequestException or TimeoutRejectedException or BrokenCircuitException
            || (exception is TaskCanceledException && !cancellationToken.IsCancellationRequested))
        {
            AgilePlannerApiTelemetry.Calls.Add(1, new KeyValuePair<string, object?>("error.type", exception.GetType().Name));
            ApiLog.Unavailable(_logger, method, path, exception.GetType().Name);
            throw new AgilePlannerApiException(AgilePlannerApiFailure.Unavailable, "Agile Planner's API could not be reached.");
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
                    ApiLog.Unavailable(_logger, method, path, "unreadable answer");
                    throw new AgilePlannerApiException(AgilePlannerApiFailure.Unavailable, "Agile Planner's API answered with something other than the expected JSON.")
                    {
                        StatusCode = response.StatusCode,
                    };
                }
            }

            ApiLog.CallFailed(_logger, method, path, (int)response.StatusCode);
            var (error, message) = await ErrorBodyAsync(response, cancellationToken);
            var (authenticateError, scope) = BearerChallenge.Read(response);
            var failure = response.StatusCode switch
            {
                HttpStatusCode.Unauthorized => AgilePlannerApiFailure.ConnectionExpired,
                HttpStatusCode.Forbidden => AgilePlannerApiFailure.InsufficientScope,
                HttpStatusCode.NotFound => AgilePlannerApiFailure.NotFound,
                HttpStatusCode.BadRequest or HttpStatusCode.UnprocessableEntity => AgilePlannerApiFailure.Rejected,
                _ => AgilePlannerApiFailure.Unavailable,
            };
            throw new AgilePlannerApiException(failure, Describe(failure))
            {
                StatusCode = response.StatusCode,
                Error = error,
                ApiMessage = message,
                AuthenticateError = authenticateError,
                RequiredScope = scope,
            };
        }
    }

    private static string Describe(AgilePlannerApiFailure failure) => failure switch
    {
        AgilePlannerApiFailure.ConnectionExpired => "The API refused the access token.",
        AgilePlannerApiFailure.InsufficientScope => "The token lacks a scope.",
        AgilePlannerApiFailure.NotFound => "Not found.",
        AgilePlannerApiFailure.Rejected => "The API refused the request.",
        _ => "Agile Planner's API failed.",
    };

    /// <summary>The contract's error body: <c>{"error":"...","message":"..."}</c>, when there is one.</summary>
    private static async Task<(string? Error, string? Message)> ErrorBodyAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        try
        {
            using var document = await JsonDocument.ParseAsync(await response.Content.ReadAsStreamAsync(cancellationToken), cancellationToken: cancellationToken);
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                return (null, null);
            }
            var error = root.TryGetProperty("error", out var e) && e.ValueKind == JsonValueKind.String ? ProviderText.Code(e.GetString()) : null;
            var message = root.TryGetProperty("message", out var m) && m.ValueKind == JsonValueKind.String ? ProviderText.Description(m.GetString()) : null;
            return (error, message);
        }
        catch (JsonException)
        {
            return (null, null);
        }
    }

    private Uri Address(string relativePath) =>
        _http.BaseAddress is { IsAbsoluteUri: true } baseAddress
            ? new Uri(baseAddress, relativePath)
            : throw new InvalidOperationException("The Agile Planner API's base address is not set: set AgilePlannerApiOptions.BaseAddress in AddAgilePlannerApi.");

    private static string ProjectPath(string projectId)
    {
        ArgumentException.ThrowIfNullOrEmpty(projectId);
        return $"projects/{Uri.EscapeDataString(projectId)}";
    }

    private static string Number(int value) => value.ToString(CultureInfo.InvariantCulture);

    private static string WithQuery(string path, params (string Name, string? Value)[] parameters)
    {
        var query = string.Join('&', parameters.Where(p => !string.IsNullOrEmpty(p.Value)).Select(p => $"{p.Name}={Uri.EscapeDataString(p.Value!)}"));
        return query.Length == 0 ? path : $"{path}?{query}";
    }
}
