using System.Text;
using System.Text.Json;
using AgilePlanner.Api;
using AgilePlanner.WebApp.Flow;
using Polly.CircuitBreaker;
using Polly.Timeout;

namespace AgilePlanner.WebApp.ApiConsole;

/// <summary>
/// Sends a checked console path as a GET through the app's own API back channel (the named client whose handler
/// attaches the session's bearer token, refreshes it and retries), and describes the answer for the page.
/// </summary>
public sealed class ApiConsoleClient(IHttpClientFactory httpClientFactory, TimeProvider time)
{
    /// <summary>Most bytes of an answer shown; the rest is cut with a note.</summary>
    public const int MaxBodyBytes = 64 * 1024;

    /// <summary>The API client's base address (the sandbox's is on the app's own listening address).</summary>
    public Uri ApiBase() =>
        httpClientFactory.CreateClient(AgilePlannerApiClient.HttpClientName).BaseAddress
        ?? throw new InvalidOperationException("The API client has no base address.");

    public async Task<ApiConsoleResult> SendAsync(Uri target, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, target);
        request.Headers.Accept.ParseAdd("application/json");
        var started = time.GetTimestamp();
        HttpResponseMessage response;
        try
        {
            response = await httpClientFactory.CreateClient(AgilePlannerApiClient.HttpClientName).SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        }
        catch (Exception exception) when (exception is HttpRequestException or TimeoutRejectedException or BrokenCircuitException
            || (exception is TaskCanceledException && !cancellationToken.IsCancellationRequested))
        {
            return new ApiConsoleResult
            {
                Url = target.AbsoluteUri,
                Curl = Curl(target, request.Headers.Authorization?.ToString()),
                Failure = exception switch
                {
                    BrokenCircuitException => "Agile Planner's API failed several times in a row, so the app stopped calling it for a short while. Try again in a moment.",
                    TimeoutRejectedException or TaskCanceledException => "Agile Planner's API did not answer in time.",
                    _ => "Agile Planner's API could not be reached.",
                },
            };
        }

        using (response)
        {
            var (body, complete) = await ReadAsync(response, cancellationToken);
            var text = Encoding.UTF8.GetString(body);
            var json = Masking.MaskJson(text);
            var authorization = (response.RequestMessage ?? request).Headers.Authorization?.ToString();
            return new ApiConsoleResult
            {
                Url = target.AbsoluteUri,
                Status = (int)response.StatusCode,
                Reason = response.ReasonPhrase,
                DurationMs = time.GetElapsedTime(started).TotalMilliseconds,
                Headers = response.Headers.NonValidated.Concat(response.Content.Headers.NonValidated)
                    .Select(h => KeyValuePair.Create(h.Key, Masking.MaskHeader(h.Key, string.Join(", ", h.Value))))
                    .ToList(),
                Body = json ?? Masking.MaskSecretPairs(text),
                BodyIsJson = json is not null,
                BodyTruncated = !complete,
                BodyBytes = complete ? body.Length : response.Content.Headers.ContentLength ?? body.Length,
                Curl = Curl(target, authorization),
                ProjectIds = json is null ? [] : ProjectIds(text, target),
            };
        }
    }

    /// <summary>The same request as a curl command line, with the token masked.</summary>
    public static string Curl(Uri target, string? authorization)
    {
        var header = authorization is null ? "Authorization: Bearer ACCESS_TOKEN" : "Authorization: " + Masking.MaskHeader("Authorization", authorization);
        return $"curl -H {Quote("Accept: application/json")} -H {Quote(header)} {Quote(target.AbsoluteUri)}";
    }

    // Single quotes keep the shell from expanding anything; a quote inside is closed, escaped and reopened.
    private static string Quote(string value) => "'" + value.Replace("'", "'\\''", StringComparison.Ordinal) + "'";

    private static async Task<(byte[] Body, bool Complete)> ReadAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        await using var stream = await response.Content.ReadAsStreamAsync(cancellationToken);
        var buffer = new byte[MaxBodyBytes + 1];
        var total = 0;
        int read;
        while (total < buffer.Length && (read = await stream.ReadAsync(buffer.AsMemory(total), cancellationToken)) > 0)
        {
            total += read;
        }
        return total > MaxBodyBytes ? (buffer[..MaxBodyBytes], false) : (buffer[..total], true);
    }

    /// <summary>Project ids in a <c>/projects</c> list or a project, so the page can offer the paths that take one.</summary>
    private static List<string> ProjectIds(string json, Uri target)
    {
        if (!target.AbsolutePath.Contains("/projects", StringComparison.Ordinal) || target.AbsolutePath.Contains("/stories", StringComparison.Ordinal)
            || target.AbsolutePath.Contains("/iterations", StringComparison.Ordinal))
        {
            return [];
        }
        try
        {
            using var document = JsonDocument.Parse(json);
            var root = document.RootElement;
            var items = root.ValueKind == JsonValueKind.Object && root.TryGetProperty("items", out var list) && list.ValueKind == JsonValueKind.Array
                ? list.EnumerateArray().ToList()
                : [root];
            return items
                .Where(i => i.ValueKind == JsonValueKind.Object && i.TryGetProperty("id", out var id) && id.ValueKind is JsonValueKind.String or JsonValueKind.Number)
                .Select(i => i.GetProperty("id").ToString())
                .Where(id => id.Length is > 0 and <= 64 && id.All(char.IsAsciiLetterOrDigit))
                .Distinct()
                .Take(10)
                .ToList();
        }
        catch (JsonException)
        {
            return [];
        }
    }
}
