using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;

namespace AgilePlanner.WebApp.Flow;

/// <summary>
/// Records what arrives at the OAuth callback (code or error, state, iss) as it arrived, before the OAuth handler acts
/// on it, so a callback the handler refuses is on record too. Put first in the pipeline by a startup filter.
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
        if (!context.Request.Path.Equals(options.CurrentValue.CallbackPath, StringComparison.OrdinalIgnoreCase)
            || !(HttpMethods.IsGet(context.Request.Method) || HttpMethods.IsPost(context.Request.Method)))
        {
            await next(context);
            return;
        }

        // Captured now, before anything acts on it; written once the request knows its public scheme (see DeferCallback).
        recorder.DeferCallback(context, FlowSteps.Callback(context.Request, time.GetUtcNow(), recorder.Options));
        try
        {
            await next(context);
        }
        finally
        {
            await SafelyFlushAsync(context);
        }
    }

    private async Task SafelyFlushAsync(HttpContext context)
    {
        try
        {
            await recorder.FlushCallbackAsync(context);
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            LogRecordingFailed(logger, exception.GetType().Name);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "A callback could not be recorded for the flow inspector ({ExceptionType})")]
    private static partial void LogRecordingFailed(ILogger logger, string exceptionType);
}
