using System.Net.Http.Headers;

namespace AgilePlanner.Api;

/// <summary>Reads RFC 6750 section 3's challenge: <c>WWW-Authenticate: Bearer error="insufficient_scope", scope="write"</c>.</summary>
internal static class BearerChallenge
{
    public static (string? Error, string? Scope) Read(HttpResponseMessage response)
    {
        foreach (var challenge in response.Headers.WwwAuthenticate)
        {
            if (!string.Equals(challenge.Scheme, "Bearer", StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }
            var error = ProviderText.Code(Parameter(challenge, "error"));
            var scopes = (Parameter(challenge, "scope") ?? string.Empty).Split(' ', StringSplitOptions.RemoveEmptyEntries).Where(AgilePlannerScopes.IsValid).ToArray();
            return (error, scopes.Length == 0 ? null : string.Join(' ', scopes));
        }
        return (null, null);
    }

    /// <summary>A quoted parameter's value, matched as a whole name (<c>scope</c> is not the end of <c>xscope</c>).</summary>
    private static string? Parameter(AuthenticationHeaderValue challenge, string name)
    {
        var parameter = challenge.Parameter ?? string.Empty;
        var marker = name + "=\"";
        var start = parameter.IndexOf(marker, StringComparison.OrdinalIgnoreCase);
        while (start > 0 && parameter[start - 1] is not (' ' or ','))
        {
            start = parameter.IndexOf(marker, start + 1, StringComparison.OrdinalIgnoreCase);
        }
        if (start < 0)
        {
            return null;
        }
        start += marker.Length;
        var end = parameter.IndexOf('"', start);
        return end > start ? parameter[start..end] : null;
    }
}
