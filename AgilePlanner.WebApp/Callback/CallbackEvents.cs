using AgilePlanner.WebApp.Authentication;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.OAuth;
using Microsoft.AspNetCore.Mvc.ViewFeatures;

namespace AgilePlanner.WebApp.Callback;

/// <summary>
/// Sends every failed callback to its page. Only a short fixed code goes into the URL; what the provider said
/// travels in TempData (an encrypted cookie), already cleaned and length-limited.
/// </summary>
public sealed class CallbackEvents(ITempDataDictionaryFactory tempDataFactory) : OAuthEvents
{
    public const string ErrorKey = "callback.error";
    public const string DescriptionKey = "callback.error_description";
    public const string UriKey = "callback.error_uri";
    public const string ReturnUrlKey = "callback.returnUrl";

    public override Task RemoteFailure(RemoteFailureContext context)
    {
        var failure = context.Failure as CallbackFailedException;
        var tempData = tempDataFactory.GetTempData(context.HttpContext);
        tempData[ErrorKey] = failure?.Error;
        tempData[DescriptionKey] = failure?.ErrorDescription;
        tempData[UriKey] = failure?.ErrorUri;
        var returnUrl = context.Properties?.RedirectUri;
        tempData[ReturnUrlKey] = returnUrl is not null && returnUrl.StartsWith('/') && !returnUrl.StartsWith("//", StringComparison.Ordinal) && !returnUrl.StartsWith("/\\", StringComparison.Ordinal)
            ? returnUrl
            : null;
        tempData.Save();

        context.Response.Redirect($"{context.Request.PathBase}/callback/error/{CallbackProblems.CodeFor(failure)}");
        context.HandleResponse();
        return Task.CompletedTask;
    }
}
