using System.Text.RegularExpressions;

namespace AgilePlanner.WebApp.ApiConsole;

/// <summary>
/// Decides what the API console may send: a GET of a relative path under the configured API base, nothing else.
/// Whatever a visitor types, the app's server must not be made to call another host or leave the API's base path
/// (server-side request forgery), so anything that could do so, however encoded, is refused with a reason.
/// </summary>
public static partial class ApiPathValidator
{
    public const int MaxLength = 1000;

    // Percent-decoding rounds checked; a path still changing after them hides something.
    private const int DecodingRounds = 3;

    public static ApiPathCheck Check(string? path, string? method = "GET")
    {
        if (!string.IsNullOrEmpty(method) && !string.Equals(method, "GET", StringComparison.OrdinalIgnoreCase))
        {
            return ApiPathCheck.Refused("Only GET requests can be sent from the console: it reads data and never changes it.");
        }
        if (string.IsNullOrWhiteSpace(path))
        {
            return ApiPathCheck.Refused("Type a path under the API base, such as /me or /projects.");
        }

        path = path.Trim();
        if (path.Length > MaxLength)
        {
            return ApiPathCheck.Refused($"The path is longer than {MaxLength} characters.");
        }
        if (SchemePrefix().IsMatch(path))
        {
            return ApiPathCheck.Refused("Absolute URLs are refused: the console only calls the configured API. Type a path such as /me.");
        }
        if (path.StartsWith("//", StringComparison.Ordinal) || path.StartsWith("/\\", StringComparison.Ordinal))
        {
            return ApiPathCheck.Refused("A path starting with // names another host and is refused. Type a path such as /me.");
        }
        if (!path.StartsWith('/'))
        {
            return ApiPathCheck.Refused("A path starts with /, such as /me or /projects.");
        }
        var layer = path;
        for (var round = 0; round <= DecodingRounds; round++)
        {
            if (Problem(layer, decoded: round > 0) is { } problem)
            {
                return ApiPathCheck.Refused(problem);
            }
            if (round == DecodingRounds)
            {
                return ApiPathCheck.Refused("The path is percent-encoded too many times over; send it plainly.");
            }
            if (!layer.Contains('%'))
            {
                break;
            }
            if (InvalidPercent().IsMatch(layer))
            {
                return ApiPathCheck.Refused("The path has a % that does not start a valid percent-encoded byte (%XX).");
            }
            layer = Uri.UnescapeDataString(layer);
        }
        return ApiPathCheck.Allowed(path);
    }

    /// <summary>
    /// The absolute URL for a checked path, or null when, once resolved, it would not be under the API base:
    /// a last line of defence that judges the URL exactly as the HTTP client will.
    /// </summary>
    public static Uri? Resolve(Uri apiBase, ApiPathCheck check)
    {
        if (!check.IsAllowed || !apiBase.IsAbsoluteUri)
        {
            return null;
        }
        var basePath = apiBase.AbsoluteUri.EndsWith('/') ? apiBase.AbsoluteUri : apiBase.AbsoluteUri + "/";
        if (!Uri.TryCreate(basePath + check.Path![1..], UriKind.Absolute, out var target))
        {
            return null;
        }
        var root = new Uri(basePath);
        var sameOrigin = target.Scheme == root.Scheme && target.IdnHost == root.IdnHost && target.Port == root.Port && target.UserInfo.Length == 0;
        return sameOrigin && target.AbsolutePath.StartsWith(root.AbsolutePath, StringComparison.Ordinal) ? target : null;
    }

    private static string? Problem(string layer, bool decoded)
    {
        foreach (var c in layer)
        {
            // CR, LF, NUL and the like are refused however deeply encoded: they only serve to inject headers or cut strings.
            if (char.IsControl(c))
            {
                return "The path contains control characters (such as a line break), which are refused.";
            }
            // Spaces and non-ASCII are fine once percent-encoded, as in a query value.
            if (!decoded && (char.IsWhiteSpace(c) || c > '\u007e'))
            {
                return "The path contains spaces or characters outside ASCII; percent-encode them (a space is %20).";
            }
        }
        if (layer.Contains('\\'))
        {
            return "Backslashes are refused: some servers read them as / and they could lead outside the API.";
        }
        var pathPart = layer.Split('?', 2)[0];
        if (pathPart.Contains("..", StringComparison.Ordinal))
        {
            return "'..' is refused: it would climb out of the API's base path.";
        }
        if (pathPart.Contains('{') || pathPart.Contains('}'))
        {
            return "Replace {id} with a real project id: send /projects first to see them.";
        }
        if (pathPart.Contains("//", StringComparison.Ordinal))
        {
            return "Empty path segments (//) are refused: they can name another host.";
        }
        if (layer.Contains('#'))
        {
            return "Fragments (#) are never sent to a server; remove them.";
        }
        if (SchemePrefix().IsMatch(layer.TrimStart('/')) && layer.Contains("://", StringComparison.Ordinal))
        {
            return "Absolute URLs are refused, encoded or not: the console only calls the configured API.";
        }
        return null;
    }

    [GeneratedRegex("^[A-Za-z][A-Za-z0-9+.-]*:")]
    private static partial Regex SchemePrefix();

    [GeneratedRegex("%(?![0-9A-Fa-f]{2})")]
    private static partial Regex InvalidPercent();
}
