using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.OAuth;

namespace AgilePlanner.WebApp.Flow;

/// <summary>
/// Decorates an OAuth scheme's events: the authorize redirect starts a new record (step 1) and a refused callback is
/// recorded as a failure, then the app's own events run unchanged, whether they were given as an instance or as
/// an <see cref="RemoteAuthenticationOptions.EventsType"/> resolved per request.
/// </summary>
public sealed partial class FlowRecordingOAuthEvents(
    IServiceProvider services,
    FlowEventTargets targets,
    FlowRecorder recorder,
    TimeProvider time,
    ILogger<FlowRecordingOAuthEvents> logger) : OAuthEvents
{
    public override async Task RedirectToAuthorizationEndpoint(RedirectContext<OAuthOptions> context)
    {
        await SafelyAsync(async () =>
        {
            var step = FlowSteps.Authorize(context.RedirectUri, context.Properties, time.GetUtcNow(), recorder.Options);
            if (recorder.TakePush(context.HttpContext) is { } push)
            {
                // RFC 9126: the parameters went in the push before; the browser carries only their reference.
                step.Notes.Add("Only client_id and request_uri travel in this URL: the request itself was pushed in the step before, over the back channel.");
                await recorder.StartAsync(context.HttpContext, push, FlowSteps.CodeChallengeOf(push));
                await recorder.AppendAsync(context.HttpContext, [step]);
                return;
            }
            await recorder.StartAsync(context.HttpContext, step, FlowSteps.CodeChallengeOf(context.RedirectUri));
        });
        await Inner(context.Scheme.Name).RedirectToAuthorizationEndpoint(context);
    }

    public override async Task RemoteFailure(RemoteFailureContext context)
    {
        await SafelyAsync(() => recorder.AppendAsync(
            context.HttpContext,
            FlowSteps.Failure("The app refused the callback", context.Failure?.Message ?? "The callback was refused.", time.GetUtcNow(), recorder.Options)));
        await Inner(context.Scheme.Name).RemoteFailure(context);
    }

    public override Task CreatingTicket(OAuthCreatingTicketContext context) => Inner(context.Scheme.Name).CreatingTicket(context);

    public override Task TicketReceived(TicketReceivedContext context) => Inner(context.Scheme.Name).TicketReceived(context);

    public override Task AccessDenied(AccessDeniedContext context) => Inner(context.Scheme.Name).AccessDenied(context);

    private OAuthEvents Inner(string scheme) => targets.Resolve(scheme, services);

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
