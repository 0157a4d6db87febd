using Microsoft.AspNetCore.Mvc;

namespace AgilePlanner.WebApp.Security;

/// <summary>
/// Only local return URLs are followed; anything else (<c>//evil.test</c>, <c>/\evil.test</c>, absolute URLs, and any character
/// outside printable ASCII, such as the look-alikes <c>。</c> or <c>／</c>) goes home.
/// </summary>
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
        // A Location header is ASCII: a Unicode value would throw after the code was exchanged, and browsers map look-alikes of / . :
        return returnUrl.Length <= MaxLength && IsPrintableAscii(returnUrl) && url.IsLocalUrl(returnUrl) ? returnUrl : url.Content("~/");
    }

    private static bool IsPrintableAscii(string value) => !value.AsSpan().ContainsAnyExceptInRange('!', '~');
}
