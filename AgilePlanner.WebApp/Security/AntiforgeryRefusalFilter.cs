using AgilePlanner.WebApp.Errors;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.Core.Infrastructure;
using Microsoft.AspNetCore.Mvc.Filters;
using Microsoft.AspNetCore.Mvc.ModelBinding;
using Microsoft.AspNetCore.Mvc.ViewFeatures;

namespace AgilePlanner.WebApp.Security;

/// <summary>
/// A form refused for its antiforgery token (a stale tab, a form posted from another site) gets a page that says so,
/// still a 400 and with nothing changed, instead of the empty body the browser would replace with its own error page.
/// </summary>
public sealed class AntiforgeryRefusalFilter : IAlwaysRunResultFilter
{
    public void OnResultExecuting(ResultExecutingContext context)
    {
        if (context.Result is not IAntiforgeryValidationFailedResult)
        {
            return;
        }

        context.HttpContext.Response.Headers.CacheControl = "no-store";
        context.Result = new ViewResult
        {
            ViewName = "/Errors/Error.cshtml",
            StatusCode = StatusCodes.Status400BadRequest,
            ViewData = new ViewDataDictionary<ErrorViewModel>(new EmptyModelMetadataProvider(), context.ModelState)
            {
                Model = ErrorViewModel.FormRefused,
            },
        };
    }

    public void OnResultExecuted(ResultExecutedContext context)
    {
    }
}
