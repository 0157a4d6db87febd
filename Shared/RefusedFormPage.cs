using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.Core.Infrastructure;
using Microsoft.AspNetCore.Mvc.Filters;
using Microsoft.AspNetCore.Mvc.ModelBinding;
using Microsoft.AspNetCore.Mvc.ViewFeatures;

namespace AgilePlanner.Shared;

/// <summary>
/// A form refused for its antiforgery token (a stale tab, a form posted from another site) gets a page that says so, still a
/// 400, never stored, nothing changed, instead of the empty body the browser would replace with its own error page. One filter
/// for the web app's forms and the sandbox's: each names its view and the model that view shows.
/// </summary>
/// <remarks>Compiled into both assemblies (a linked source file), so neither depends on the other for it.</remarks>
/// <param name="viewName">The page to show.</param>
/// <param name="model">The page's model, made from the refused request.</param>
internal sealed class RefusedFormPage(string viewName, Func<HttpContext, object> model) : IAlwaysRunResultFilter
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
            ViewName = viewName,
            StatusCode = StatusCodes.Status400BadRequest,
            ViewData = new ViewDataDictionary(new EmptyModelMetadataProvider(), context.ModelState)
            {
                Model = model(context.HttpContext),
            },
        };
    }

    public void OnResultExecuted(ResultExecutedContext context)
    {
    }
}
