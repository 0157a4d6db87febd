using AgilePlanner.Sandbox.Authorization;

namespace AgilePlanner.Sandbox.Developers;

/// <summary>
/// Checks callback URLs as a developer registers them: absolute, http only for loopback hosts,
/// no fragment, no wildcard, no user info. Each problem comes back as a sentence naming the URL.
/// </summary>
internal static class CallbackUrls
{
    public const int MaxCount = 10;
    public const int MaxLength = 500;

    /// <summary>The URLs, one a line, or the problems found with them.</summary>
    public static (IReadOnlyList<string> Urls, IReadOnlyList<string> Errors) Parse(string? text)
    {
        var urls = (text ?? "").Split('\n', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
            .Distinct(StringComparer.Ordinal).ToList();
        var errors = new List<string>();
        if (urls.Count == 0)
        {
            errors.Add("Add at least one callback URL, such as http://localhost:5080/callback.");
        }
        else if (urls.Count > MaxCount)
        {
            errors.Add($"Register at most {MaxCount} callback URLs.");
        }

        errors.AddRange(urls.Select(Problem).OfType<string>());
        return (urls, errors);
    }

    public static string? Problem(string url)
    {
        if (url.Length > MaxLength)
        {
            return $"A callback URL must be under {MaxLength} characters.";
        }
        if (url.Contains('*'))
        {
            return $"'{url}' contains a wildcard: register each callback URL in full.";
        }
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
        {
            return $"'{url}' is not an absolute URL: start it with https:// (or http:// for localhost).";
        }
        if (url.Contains('#'))
        {
            return $"'{url}' has a fragment (#...): callback URLs cannot have one.";
        }
        if (!string.IsNullOrEmpty(uri.UserInfo))
        {
            return $"'{url}' has a user name in it: remove the part before @.";
        }
        if (uri.Scheme == Uri.UriSchemeHttp && !RedirectUriMatch.IsLoopback(uri.Host))
        {
            return $"'{url}' uses http: only localhost, 127.0.0.1 and [::1] may; use https for any other host.";
        }
        return null;
    }
}
