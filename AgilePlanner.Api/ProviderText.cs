using System.Globalization;
using System.Text;

namespace AgilePlanner.Api;

/// <summary>
/// Makes text that came from the provider (or from a forged callback) safe to keep and show:
/// control and format characters removed, length limited. Encode it for its output (Razor HTML-encodes) as any text.
/// </summary>
public static class ProviderText
{
    /// <summary>The longest error code kept.</summary>
    public const int MaxCodeLength = 64;

    /// <summary>The longest description kept, ellipsis excluded.</summary>
    public const int MaxDescriptionLength = 300;

    /// <summary>The longest error URI kept, ellipsis excluded.</summary>
    public const int MaxUriLength = 300;

    /// <summary>An OAuth error code: RFC 6749 allows printable ASCII only; anything else is dropped.</summary>
    /// <param name="value">The code as received.</param>
    /// <returns>The code, or null when nothing printable is left.</returns>
    public static string? Code(string? value)
    {
        if (string.IsNullOrEmpty(value))
        {
            return null;
        }

        var builder = new StringBuilder(Math.Min(value.Length, MaxCodeLength));
        foreach (var c in value)
        {
            if (builder.Length == MaxCodeLength)
            {
                break;
            }
            if (c is >= '!' and <= '~' && c is not '"' and not '\\')
            {
                builder.Append(c);
            }
        }
        return builder.Length == 0 ? null : builder.ToString();
    }

    /// <summary>An <c>error_description</c> or an API's message, cleaned and cut at <see cref="MaxDescriptionLength"/>.</summary>
    /// <param name="value">The text as received.</param>
    /// <returns>The cleaned text, or null when nothing is left.</returns>
    public static string? Description(string? value) => Clean(value, MaxDescriptionLength);

    /// <summary>An <c>error_uri</c>, cleaned and cut at <see cref="MaxUriLength"/> (shown as text, never as a link).</summary>
    /// <param name="value">The URI as received.</param>
    /// <returns>The cleaned text, or null when nothing is left.</returns>
    public static string? Uri(string? value) => Clean(value, MaxUriLength);

    /// <summary>Printable text of at most <paramref name="maxLength"/> characters, cut with an ellipsis.</summary>
    /// <param name="value">The text as received.</param>
    /// <param name="maxLength">The longest text kept, ellipsis excluded.</param>
    /// <returns>The cleaned text, or null when nothing is left.</returns>
    public static string? Clean(string? value, int maxLength)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return null;
        }

        var builder = new StringBuilder(Math.Min(value.Length, maxLength + 1));
        var truncated = false;
        foreach (var rune in value.EnumerateRunes())
        {
            var category = Rune.GetUnicodeCategory(rune);
            if (category is UnicodeCategory.Control or UnicodeCategory.Format or UnicodeCategory.Surrogate or UnicodeCategory.PrivateUse or UnicodeCategory.OtherNotAssigned
                || rune == Rune.ReplacementChar)
            {
                if (rune.Value is '\n' or '\r' or '\t')
                {
                    AppendSpace(builder);
                }
                continue;
            }
            if (Rune.IsWhiteSpace(rune))
            {
                AppendSpace(builder);
                continue;
            }
            if (builder.Length + rune.Utf16SequenceLength > maxLength)
            {
                truncated = true;
                break;
            }
            builder.Append(rune.ToString());
        }

        var text = builder.ToString().Trim();
        if (text.Length == 0)
        {
            return null;
        }
        return truncated ? text + "…" : text;
    }

    private static void AppendSpace(StringBuilder builder)
    {
        if (builder.Length > 0 && builder[^1] != ' ')
        {
            builder.Append(' ');
        }
    }
}
