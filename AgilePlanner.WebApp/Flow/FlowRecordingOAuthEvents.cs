using Microsoft.AspNetCore.Authentication.OAuth;
using Microsoft.Extensions.Options;

namespace AgilePlanner.WebApp.Flow;

/// <summary>
/// Wraps the OAuth handler's events of one scheme, so the authorize redirect starts a new record (step 1)
/// and a refused callback is recorded as a failure; the app's own event handlers still run, unchanged.
/// </summary>
public sealed partial class FlowRecordingOAuthEvents<TOptions>(
    string scheme,
    FlowRecorder recorder,
    TimeProvider time,
    ILogger<FlowRecorder> logger) : IPostConfigureOptions<TOptions>
    where TOptions : OAuthOptions
{
    public void PostConfigure(string? name, TOptions options)
    {
        if (name != scheme)
        {
            return;
        }

        var events = options.Events;
        var redirect = events.OnRedirectToAuthorizationEndpoint;
        events.OnRedirectToAuthorizationEndpoint = async context =>
        {
            await SafelyAsync(() =>
            {
                var step = FlowSteps.Authorize(context.RedirectUri, context.Properties, time.GetUtcNow(), recorder.Options);
                return recorder.StartAsync(context.HttpContext, step, FlowSteps.CodeChallengeOf(context.RedirectUri));
            });
            await redirect(context);
        };

        var remoteFailure = events.OnRemoteFailure;
        events.OnRemoteFailure = async context =>
        {
            await SafelyAsync(() => recorder.AppendAsync(
                context.HttpContext,
                FlowSteps.Failure(
                    "The app stopped the sign-in",
                    context.Failure?.Message ?? "The callback was refused.",
                    time.GetUtcNow(),
                    recorder.Options)));
            await remoteFailure(context);
        };
    }

    // The inspector must never break the flow it watches.
    private async Task SafelyAsync(Func<Task> record)
    {
        try
        {
            await record();
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            LogRecordingFailed(logger, exception.GetType().Name);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "An OAuth step could not be recorded for the flow inspector ({ExceptionType})")]
    private static partial void LogRecordingFailed(ILogger logger, string exceptionType);
}
