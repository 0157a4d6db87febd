using Microsoft.AspNetCore.Mvc.ViewFeatures;

namespace AgilePlanner.WebApp.Shared;

/// <summary>One-time notices carried across a redirect in TempData's cookie.</summary>
public static class Notices
{
    public const string CookieName = "AgilePlanner.Notice";

    /// <summary>
    /// The notice under <paramref name="key"/>, read only when its cookie came: a notice never arrives any other way, and
    /// TempData left unloaded sends no <c>Set-Cookie</c> deleting a cookie the browser never had.
    /// </summary>
    public static string? Read(HttpContext context, ITempDataDictionary tempData, string key) =>
        context.Request.Cookies.ContainsKey(CookieName) ? tempData[key] as string : null;
}
