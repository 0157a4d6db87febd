using Microsoft.AspNetCore.Mvc;

namespace AgilePlanner.WebApp.Security;

/// <summary>Only local return URLs are followed; anything else (<c>//evil.test</c>, <c>/\evil.test</c>, absolute URLs) goes home.</summary>
public static class ReturnUrls
{
    private const int MaxLength = 2048;

    public static string Local(IUrlHelper url, string? returnUrl, string whenMissing)
    {
        if (string.IsNullOrEmpty(returnUrl))
        {
            return whenMissing;
        }

        // Open redirect (CWE-601): IsLocalUrl refuses scheme-relative and backslash tricks that browsers treat as other hosts.
        return returnUrl.Length <= MaxLength && url.IsLocalUrl(returnUrl) ? returnUrl : url.Content("~/");
    }
}
