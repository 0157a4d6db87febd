using AgilePlanner.Api;
using AgilePlanner.AspNetCore;
using AgilePlanner.WebApp.Connect;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.Filters;

namespace AgilePlanner.WebApp.Api;

/// <summary>Turns an <see cref="AgilePlannerApiException"/> from any page into the page that tells the user what happened.</summary>
public sealed class ApiFailureFilter(AgilePlannerSession session, ILogger<ApiFailureFilter> logger) : IAsyncExceptionFilter
{
    public async Task OnExceptionAsync(ExceptionContext context)
    {
        if (context.Exception is not AgilePlannerApiException failure)
        {
            return;
        }

        context.ExceptionHandled = true;
        var request = context.HttpContext.Request;
        var here = HttpMethods.IsGet(request.Method) ? $"{request.PathBase}{request.Path}{request.QueryString}" : $"{request.PathBase}/";
        var returnUrl = Uri.EscapeDataString(here);
        switch (failure.Failure)
        {
            case AgilePlannerApiFailure.NotConnected:
                context.Result = new RedirectResult($"{request.PathBase}/connection/needed?returnUrl={returnUrl}");
                break;
            case AgilePlannerApiFailure.ConnectionExpired:
                await session.ClearAsync();
                ConnectionLog.SessionEnded(logger, "the API refused the token after a refresh");
                context.Result = new RedirectResult($"{request.PathBase}/connection/expired?returnUrl={returnUrl}");
                break;
            case AgilePlannerApiFailure.AccessRevoked:
                // Cleared at once, so the next page does not try the refused tokens again.
                await session.ClearAsync();
                ConnectionLog.ConnectionRevoked(logger);
                context.Result = new RedirectResult($"{request.PathBase}/connection/revoked");
                break;
            case AgilePlannerApiFailure.InsufficientScope:
                var scope = Uri.EscapeDataString(failure.RequiredScope ?? AgilePlannerScopes.Write);
                context.Result = new RedirectResult($"{request.PathBase}/connection/more-access?scope={scope}&returnUrl={returnUrl}");
                break;
            case AgilePlannerApiFailure.NotFound:
                context.Result = new NotFoundResult();
                break;
            default:
                context.Result = new ViewResult { ViewName = "Unavailable", StatusCode = StatusCodes.Status503ServiceUnavailable };
                break;
        }
    }
}
