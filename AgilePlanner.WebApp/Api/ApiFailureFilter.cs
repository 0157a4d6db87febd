using AgilePlanner.WebApp.Authentication;
using AgilePlanner.WebApp.Session;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.Filters;

namespace AgilePlanner.WebApp.Api;

/// <summary>Turns an <see cref="ApiException"/> from any page into the page that tells the user what happened.</summary>
public sealed class ApiFailureFilter(SessionStore session, ILogger<ApiFailureFilter> logger) : IAsyncExceptionFilter
{
    public async Task OnExceptionAsync(ExceptionContext context)
    {
        if (context.Exception is not ApiException failure)
        {
            return;
        }

        context.ExceptionHandled = true;
        var request = context.HttpContext.Request;
        var here = HttpMethods.IsGet(request.Method) ? $"{request.PathBase}{request.Path}{request.QueryString}" : $"{request.PathBase}/";
        var returnUrl = Uri.EscapeDataString(here);
        switch (failure.Failure)
        {
            case ApiFailure.NotConnected:
                context.Result = new RedirectResult($"{request.PathBase}/connection/needed?returnUrl={returnUrl}");
                break;
            case ApiFailure.ConnectionExpired:
                await session.ClearAsync();
                logger.SessionEnded("the API refused the token after a refresh");
                context.Result = new RedirectResult($"{request.PathBase}/connection/expired?returnUrl={returnUrl}");
                break;
            case ApiFailure.AccessRevoked:
                // Cleared at once, so the next page does not try the refused tokens again.
                await session.ClearAsync();
                logger.ConnectionRevoked();
                context.Result = new RedirectResult($"{request.PathBase}/connection/revoked");
                break;
            case ApiFailure.InsufficientScope:
                var scope = Uri.EscapeDataString(failure.RequiredScope ?? Configuration.Scopes.Write);
                context.Result = new RedirectResult($"{request.PathBase}/connection/more-access?scope={scope}&returnUrl={returnUrl}");
                break;
            case ApiFailure.NotFound:
                context.Result = new NotFoundResult();
                break;
            default:
                context.Result = new ViewResult { ViewName = "Unavailable", StatusCode = StatusCodes.Status503ServiceUnavailable };
                break;
        }
    }
}
