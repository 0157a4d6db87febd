using Microsoft.AspNetCore.Http;

namespace AgilePlanner.WebApp.Flow;

/// <summary>
/// Sits in the app's back-channel <see cref="HttpClient"/>s (token endpoint, revocation, API) and records each
/// exchange, masked, into the record of the browser whose request caused it. Without a record it only passes through.
/// </summary>
public sealed partial class FlowRecordingHandler(
    FlowRecorder recorder,
    IHttpContextAccessor httpContextAccessor,
    TimeProvider time,
    ILogger<FlowRecordingHandler> logger) : DelegatingHandler
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var context = httpContextAccessor.HttpContext;
        if (context is null || (!recorder.HasRecord(context) && !await IsPushAsync(request, cancellationToken)))
        {
            return await base.SendAsync(request, cancellationToken);
        }

        var options = recorder.Options;
        var secrets = new List<string>();
        var at = time.GetUtcNow();
        var (sent, verifierHash) = await FlowSteps.CaptureRequestAsync(request, options, secrets, cancellationToken);
        var kind = Classify(sent);
        var started = time.GetTimestamp();
        HttpResponseMessage response;
        try
        {
            response = await base.SendAsync(request, cancellationToken);
        }
        catch (Exception exception) when (exception is HttpRequestException or OperationCanceledException)
        {
            var elapsed = time.GetElapsedTime(started);
            var failure = FlowSteps.Failure(
                $"{Title(kind)} failed: no answer",
                exception is OperationCanceledException
                    ? $"No answer from {sent.Url} after {elapsed.TotalSeconds:0.#} s: the call timed out or was cancelled."
                    : $"The call to {sent.Url} failed before any answer: {exception.Message}",
                at,
                options,
                secrets);
            failure.Request = sent;
            failure.DurationMs = elapsed.TotalMilliseconds;
            await SafelyAppendAsync(context, [failure]);
            throw;
        }

        var duration = time.GetElapsedTime(started).TotalMilliseconds;
        var received = await FlowSteps.CaptureResponseAsync(response, options, secrets, cancellationToken);
        // A 304 answers a revalidation by ETag: the cached answer is still good, nothing failed.
        var failed = !response.IsSuccessStatusCode && response.StatusCode != System.Net.HttpStatusCode.NotModified;
        if (kind == FlowStepKind.PushedAuthorization)
        {
            // Recorded with the authorize redirect that follows, as the first step of the new record.
            recorder.DeferPush(context, FlowSteps.Push(sent, received, at, duration, failed));
            return response;
        }

        FlowStep[] steps = kind == FlowStepKind.TokenRequest
            ?
            [
                new FlowStep { Kind = FlowStepKind.TokenRequest, Title = Title(kind), At = at, Request = sent, CodeVerifierHash = verifierHash },
                new FlowStep
                {
                    Kind = FlowStepKind.TokenResponse,
                    Title = "Token response: Agile Planner answers with JSON",
                    At = at,
                    DurationMs = duration,
                    Response = received,
                    Failed = failed,
                    Outcome = Outcome(received),
                },
            ]
            : [new FlowStep { Kind = kind, Title = Title(kind), At = at, DurationMs = duration, Request = sent, Response = received, Failed = failed, Outcome = Outcome(received) }];
        await SafelyAppendAsync(context, steps);
        return response;
    }

    /// <summary>Whether a request is a pushed authorization request: a form with the authorize parameters and no grant type.</summary>
    private static async Task<bool> IsPushAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        if (request.Method != HttpMethod.Post || request.Content?.Headers.ContentType?.MediaType != "application/x-www-form-urlencoded")
        {
            return false;
        }
        await request.Content.LoadIntoBufferAsync(cancellationToken);
        var names = Masking.Pairs(await request.Content.ReadAsStringAsync(cancellationToken)).Select(p => p.Key).ToList();
        return names.Contains("response_type") && !names.Contains("grant_type");
    }

    private static FlowStepKind Classify(FlowHttpMessage sent)
    {
        var grantType = sent.Form.FirstOrDefault(f => f.Name == "grant_type")?.Value;
        return grantType switch
        {
            "refresh_token" => FlowStepKind.Refresh,
            not null => FlowStepKind.TokenRequest,
            // RFC 7009: a revocation request carries the token and no grant type.
            null when sent.Form.Any(f => f.Name == "token") => FlowStepKind.Revocation,
            // RFC 9126: a pushed authorization request carries the authorize parameters.
            null when sent.Form.Any(f => f.Name == "response_type") => FlowStepKind.PushedAuthorization,
            _ => FlowStepKind.ApiCall,
        };
    }

    private static string Title(FlowStepKind kind) => kind switch
    {
        FlowStepKind.TokenRequest => "Token request: the app's server posts the code",
        FlowStepKind.Refresh => "Refresh: a new access token for a refresh token",
        FlowStepKind.Revocation => "Revocation: the app gives its token back",
        FlowStepKind.PushedAuthorization => FlowSteps.PushTitle,
        _ => "API call with the access token",
    };

    private static string? Outcome(FlowHttpMessage response) =>
        response.Status is { } status && FlowExplanations.ForStatus(status) is { Length: > 0 } meaning ? $"{status}: {meaning}" : null;

    // The inspector must never break the flow it watches: a cache failure costs a step, not the sign-in.
    private async Task SafelyAppendAsync(HttpContext context, FlowStep[] steps)
    {
        try
        {
            await recorder.AppendAsync(context, steps);
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            LogRecordingFailed(logger, exception.GetType().Name);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "A back-channel step could not be recorded for the flow inspector ({ExceptionType})")]
    private static partial void LogRecordingFailed(ILogger logger, string exceptionType);
}
