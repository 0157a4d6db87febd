using AgilePlanner.Shared;
using AgilePlanner.WebApp.Api;
using AgilePlanner.WebApp.Errors;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.ApplicationModels;

namespace AgilePlanner.WebApp.Security;

/// <summary>
/// Every controller of this app checks the antiforgery token on state-changing requests, even if an action forgets
/// its attribute, answers a refused token with a page that says so, and turns API failures into pages. The hosted
/// sandbox's controllers (its bearer-token API) are left alone.
/// </summary>
public sealed class AppControllersConvention : IControllerModelConvention
{
    private static readonly RefusedFormPage RefusedForm = new("/Errors/Error.cshtml", _ => ErrorViewModel.FormRefused);

    public void Apply(ControllerModel controller)
    {
        if (controller.ControllerType.Assembly != typeof(AppControllersConvention).Assembly)
        {
            return;
        }

        // First, as a global filter would be: an explicit [IgnoreAntiforgeryToken] (the error pages, re-executed for
        // a failed POST) or [ValidateAntiForgeryToken] on the controller or action is the policy that applies.
        controller.Filters.Insert(0, new AutoValidateAntiforgeryTokenAttribute());
        controller.Filters.Add(RefusedForm);
        controller.Filters.Add(new TypeFilterAttribute(typeof(ApiFailureFilter)));
    }
}
