using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;

namespace AgilePlanner.WebApp.Flow;

/// <summary>
/// Records what arrives at the OAuth callback (code or error, state, iss) before the OAuth handler acts on it,
/// so a callback the handler refuses is on record too. Put first in the pipeline by a startup filter.
/// </summary>
public sealed partial class FlowCallbackRecorder(
    RequestDelegate next,
    FlowRecorder recorder,
    TimeProvider time,
    IOptionsMonitor<FlowInspectorOptions> options,
    ILogger<FlowCallbackRecorder> logger)
{
    public async Task InvokeAsync(HttpContext context)
    {
        if (context.Request.Path.Equals(options.CurrentValue.CallbackPath, StringComparison.OrdinalIgnoreCase)
            && (HttpMethods.IsGet(context.Request.Method) || HttpMethods.IsPost(context.Request.Method)))
        {
            await RecordAsync(context);
        }
        await next(context);
    }

    private async Task RecordAsync(HttpContext context)
    {
        try
        {
            var step = FlowSteps.Callback(context.Request, time.GetUtcNow(), recorder.Options);
            if (!await recorder.AppendAsync(context, step))
            {
                // A callback this browser has no record for: forged, replayed from elsewhere, or too late. Worth seeing.
                step.Notes.Add("No authorize request from this browser was on record for this callback: it was started elsewhere, too long ago, or forged.");
                await recorder.StartAsync(context, step);
            }
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            LogRecordingFailed(logger, exception.GetType().Name);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "A callback could not be recorded for the flow inspector ({ExceptionType})")]
    private static partial void LogRecordingFailed(ILogger logger, string exceptionType);
}
