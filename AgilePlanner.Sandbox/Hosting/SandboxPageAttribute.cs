using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.Core.Infrastructure;
using Microsoft.AspNetCore.Mvc.Filters;
using Microsoft.AspNetCore.Mvc.ModelBinding;
using Microsoft.AspNetCore.Mvc.ViewFeatures;

namespace AgilePlanner.Sandbox.Hosting;

/// <summary>
/// Headers for every sandbox page (see <see cref="SandboxPageHeaders"/>): never framed, no inline script, forms sent
/// only where they must go, nothing cached, no referrer. It always runs, so a form refused for its antiforgery token
/// gets them too, with a page that says what happened instead of an empty 400.
/// </summary>
[AttributeUsage(AttributeTargets.Class | AttributeTargets.Method)]
internal sealed class SandboxPageAttribute : Attribute, IAlwaysRunResultFilter
{
    public void OnResultExecuting(ResultExecutingContext context)
    {
        if (context.Result is IAntiforgeryValidationFailedResult)
        {
            context.Result = new ViewResult
            {
                ViewName = "/Shared/FormRefused.cshtml",
                StatusCode = StatusCodes.Status400BadRequest,
                ViewData = new ViewDataDictionary<FormRefusedModel>(new EmptyModelMetadataProvider(), context.ModelState)
                {
                    Model = FormRefusedModel.For(context.HttpContext.Request),
                },
            };
        }
        SandboxPageHeaders.Apply(context.HttpContext);
    }

    public void OnResultExecuted(ResultExecutedContext context)
    {
    }
}
