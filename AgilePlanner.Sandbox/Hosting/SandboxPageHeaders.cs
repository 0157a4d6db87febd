using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Http;

namespace AgilePlanner.Sandbox.Hosting;

/// <summary>
/// The security headers of the sandbox's HTML pages. Forms may only be sent to the sandbox itself, except that a page
/// whose form ends in a redirect to a client (consent, or sign-in when consent is remembered) also allows the origin of
/// that request's validated redirect URI: Chromium applies <c>form-action</c> to the redirects that follow a form POST.
/// </summary>
internal static partial class SandboxPageHeaders
{
    public const string BasePolicy =
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'";

    private static readonly object FormTargetKey = new();

    /// <summary>Lets this page's forms lead to <paramref name="validatedRedirectUri"/>'s origin; call only with a redirect URI the server validated for the client.</summary>
    public static void AllowFormRedirectTo(HttpContext context, string validatedRedirectUri) =>
        context.Items[FormTargetKey] = OriginOf(validatedRedirectUri) ?? string.Empty;

    /// <summary>The CSP for this response: the base policy and its <c>form-action</c>.</summary>
    public static string PolicyFor(HttpContext context) =>
        context.Items.TryGetValue(FormTargetKey, out var target) && target is string origin
            // A registered callback CSP cannot name (an IPv6 loopback such as http://[::1]:8080) would be blocked
            // by any form-action; that one page goes without the directive rather than break a valid flow.
            ? origin.Length == 0 ? BasePolicy : $"{BasePolicy}; form-action 'self' {origin}"
            : $"{BasePolicy}; form-action 'self'";

    public static void Apply(HttpContext context)
    {
        var headers = context.Response.Headers;
        headers.ContentSecurityPolicy = PolicyFor(context);
        headers.XFrameOptions = "DENY";
        headers.XContentTypeOptions = "nosniff";
        // The authorize responses redirect with a code in the URL; the pages themselves carry the request's query.
        headers["Referrer-Policy"] = "no-referrer";
        // The exact value antiforgery sets on pages with a form, so it need not override (and warn).
        headers.CacheControl = "no-cache, no-store";
        headers.Pragma = "no-cache";
    }

    /// <summary>
    /// <c>scheme://host[:port]</c> of an absolute http(s) URI, as a CSP host-source; null for anything that cannot be
    /// written as one exactly (an IPv6 literal, say), so the policy never names a wider source than the callback's own.
    /// </summary>
    public static string? OriginOf(string? uri)
    {
        if (!Uri.TryCreate(uri, UriKind.Absolute, out var parsed)
            || (parsed.Scheme != Uri.UriSchemeHttp && parsed.Scheme != Uri.UriSchemeHttps))
        {
            return null;
        }
        var origin = parsed.IsDefaultPort
            ? $"{parsed.Scheme}://{parsed.IdnHost}"
            : $"{parsed.Scheme}://{parsed.IdnHost}:{parsed.Port}";
        return HostSource().IsMatch(origin) ? origin : null;
    }

    [GeneratedRegex("^https?://[a-z0-9](?:[a-z0-9.-]*[a-z0-9])?(?::[0-9]{1,5})?$", RegexOptions.CultureInvariant)]
    private static partial Regex HostSource();
}
