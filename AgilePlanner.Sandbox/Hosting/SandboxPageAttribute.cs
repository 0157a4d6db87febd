using AgilePlanner.Shared;
using Microsoft.AspNetCore.Mvc.Filters;

namespace AgilePlanner.Sandbox.Hosting;

/// <summary>
/// Headers for every sandbox page (see <see cref="SandboxPageHeaders"/>): never framed, no inline script, forms sent
/// only where they must go, nothing cached, no referrer. It always runs, so a form refused for its antiforgery token
/// gets them too, with a page that says what happened instead of an empty 400.
/// </summary>
[AttributeUsage(AttributeTargets.Class | AttributeTargets.Method)]
internal sealed class SandboxPageAttribute : Attribute, IAlwaysRunResultFilter
{
    private static readonly RefusedFormPage RefusedForm = new("/Shared/FormRefused.cshtml", context => FormRefusedModel.For(context.Request));

    public void OnResultExecuting(ResultExecutingContext context)
    {
        RefusedForm.OnResultExecuting(context);
        SandboxPageHeaders.Apply(context.HttpContext);
    }

    public void OnResultExecuted(ResultExecutedContext context)
    {
    }
}
