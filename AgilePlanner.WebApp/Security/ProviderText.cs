using System.Globalization;
using System.Text;

namespace AgilePlanner.WebApp.Security;

/// <summary>
/// Makes text that came from the provider (or from a forged callback) safe to keep and show:
/// control and format characters removed, length limited. Razor HTML-encodes it on output.
/// </summary>
public static class ProviderText
{
    public const int MaxCodeLength = 64;
    public const int MaxDescriptionLength = 300;
    public const int MaxUriLength = 300;

    /// <summary>An OAuth error code: RFC 6749 allows printable ASCII only; anything else is dropped.</summary>
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

    public static string? Description(string? value) => Clean(value, MaxDescriptionLength);

    public static string? Uri(string? value) => Clean(value, MaxUriLength);

    /// <summary>Printable text of at most <paramref name="maxLength"/> characters, cut with an ellipsis.</summary>
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
