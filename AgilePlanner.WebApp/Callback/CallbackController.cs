using AgilePlanner.Api;
using Microsoft.AspNetCore.Mvc;

namespace AgilePlanner.WebApp.Callback;

/// <summary>
/// The pages a failed callback lands on (the OAuth handler itself answers <c>/callback</c>).
/// Provider text is read from TempData, cleaned again, and HTML-encoded by Razor.
/// </summary>
public sealed class CallbackController : Controller
{
    [HttpGet("/callback/error/{code}")]
    public IActionResult Show(string code)
    {
        var returnUrl = TempData[CallbackEvents.ReturnUrlKey] as string;
        var model = new CallbackErrorViewModel(
            Error: ProviderText.Code(TempData[CallbackEvents.ErrorKey] as string),
            Description: ProviderText.Description(TempData[CallbackEvents.DescriptionKey] as string),
            Uri: ProviderText.Uri(TempData[CallbackEvents.UriKey] as string),
            Arrived: ProviderText.Clean(TempData[CallbackEvents.ArrivedKey] as string, CallbackEvents.MaxArrivedLength),
            ConnectUrl: Url.Action("Connect", "Connect", new { returnUrl = returnUrl is not null && Url.IsLocalUrl(returnUrl) ? returnUrl : null }) ?? "/connect",
            Problem: CallbackProblems.Find(code));

        if (code == CallbackProblems.AccessDenied)
        {
            return View("AccessDenied", model);
        }

        return model.Problem is null ? NotFound() : View("Problem", model);
    }
}
