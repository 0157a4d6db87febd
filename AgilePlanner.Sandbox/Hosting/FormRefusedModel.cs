using AgilePlanner.Sandbox.Accounts;
using AgilePlanner.Sandbox.Authorization;
using Microsoft.AspNetCore.Http;

namespace AgilePlanner.Sandbox.Hosting;

/// <summary>
/// What the page for a form refused by antiforgery offers: where to try again. Only the sandbox's own form pages, with
/// the posted authorization request or a local return URL, never an address taken from elsewhere.
/// </summary>
internal sealed record FormRefusedModel(string TryAgainUrl)
{
    private const int MaxUrlLength = 4096;
    private const string Authorize = "/sandbox/oauth/authorize";

    public static FormRefusedModel For(HttpRequest request)
    {
        var form = request.HasFormContentType ? request.Form : FormCollection.Empty;
        var path = request.Path;
        string? url = null;
        if (path.Equals(Authorize, StringComparison.OrdinalIgnoreCase))
        {
            // The consent page again, for the stored request the form named, with a fresh token: the authorize endpoint checks it anew.
            url = ConsentRequestRestoration.Restored(request.HttpContext) is { } consent
                ? Authorize + QueryString.Create(consent.Request.GetParameters()
                    .Select(parameter => new KeyValuePair<string, string?>(parameter.Key, (string?)parameter.Value)))
                : null;
        }
        else if (path.Equals("/sandbox/signin", StringComparison.OrdinalIgnoreCase) || path.Equals("/sandbox/signup", StringComparison.OrdinalIgnoreCase))
        {
            var returnUrl = form["ReturnUrl"].ToString();
            url = path.Value!.ToLowerInvariant() + (IsLocal(returnUrl) ? "?returnUrl=" + Uri.EscapeDataString(returnUrl) : "");
        }
        return new FormRefusedModel(url is { Length: <= MaxUrlLength } ? url : "/sandbox");
    }

    // The same rule as Url.IsLocalUrl: a path on this site, not //host or /\host.
    private static bool IsLocal(string url) =>
        url.Length is > 0 and <= 2048 && url[0] == '/' && (url.Length == 1 || (url[1] != '/' && url[1] != '\\'))
        && LocalReturnUrl.IsPrintableAscii(url);
}
