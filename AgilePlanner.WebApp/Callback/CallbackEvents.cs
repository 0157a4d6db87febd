using AgilePlanner.Api;
using AgilePlanner.AspNetCore;
using AgilePlanner.WebApp.Flow;
using AgilePlanner.WebApp.Security;
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
    public const string ArrivedKey = "callback.arrived";

    /// <summary>How much of the callback's URL the "what arrived" box keeps (TempData travels in a cookie).</summary>
    public const int MaxArrivedLength = 1000;

    public override Task RemoteFailure(RemoteFailureContext context)
    {
        var failure = context.Failure as CallbackFailedException;
        var tempData = tempDataFactory.GetTempData(context.HttpContext);
        tempData[ErrorKey] = failure?.Error;
        tempData[DescriptionKey] = failure?.ErrorDescription;
        tempData[UriKey] = failure?.ErrorUri;
        tempData[ArrivedKey] = Arrived(context.Request, failure);
        var returnUrl = context.Properties?.RedirectUri;
        tempData[ReturnUrlKey] = returnUrl is not null && returnUrl.StartsWith('/') && !returnUrl.StartsWith("//", StringComparison.Ordinal) && !returnUrl.StartsWith("/\\", StringComparison.Ordinal)
            ? returnUrl
            : null;
        tempData.Save();

        context.Response.Redirect($"{context.Request.PathBase}/callback/error/{CallbackProblems.CodeFor(failure)}");
        context.HandleResponse();
        return Task.CompletedTask;
    }

    /// <summary>
    /// For the developer: the callback as it arrived, code and state masked as the flow inspector masks them. An answer
    /// refused before it was trusted (wrong state or issuer) may be anyone's text: only its names and its iss are shown.
    /// </summary>
    private static string? Arrived(HttpRequest request, CallbackFailedException? failure)
    {
        var query = request.QueryString.HasValue ? request.QueryString.Value![1..] : string.Empty;
        var trusted = failure?.Failure is CallbackFailure.AccessDenied or CallbackFailure.ProviderError or CallbackFailure.CodeMissing or CallbackFailure.TokenExchangeFailed;
        var shown = trusted
            ? Masking.MaskFormEncoded(query, Masking.RedirectSecretNames)
            : string.Join('&', Masking.Pairs(query).Select(p => Uri.EscapeDataString(p.Key) + "=" + (p.Key == "iss" ? Uri.EscapeDataString(p.Value) : Masking.Hidden)));
        var masked = shown.Length > 0 ? "?" + shown : string.Empty;
        return ProviderText.Clean($"{request.PathBase}{request.Path}{masked}", MaxArrivedLength);
    }
}
