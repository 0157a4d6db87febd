using System.Globalization;
using System.Text;
using Microsoft.IdentityModel.Tokens;

namespace AgilePlanner.Sandbox.Api;

/// <summary>
/// Cursor paging: <c>limit</c> 1..100 (default 25) and an opaque <c>cursor</c> that carries the last key seen,
/// so a page stays stable while items are added elsewhere.
/// </summary>
internal readonly record struct Paging(int Limit, int After)
{
    public const int DefaultLimit = 25;
    public const int MaxLimit = 100;
    private const string Prefix = "v1:";

    public static bool TryParse(string? limit, string? cursor, out Paging paging, out string error)
    {
        paging = new Paging(DefaultLimit, 0);
        error = "";

        var size = DefaultLimit;
        if (limit is not null
            && (!int.TryParse(limit, NumberStyles.None, CultureInfo.InvariantCulture, out size) || size is < 1 or > MaxLimit))
        {
            error = $"limit must be a whole number from 1 to {MaxLimit}.";
            return false;
        }

        var after = 0;
        if (cursor is not null && !TryDecode(cursor, out after))
        {
            error = "cursor is not one this API gave out. Use the nextCursor of the previous page.";
            return false;
        }

        paging = new Paging(size, after);
        return true;
    }

    /// <summary>Takes one page from items fetched as <c>Limit + 1</c>, ordered by key.</summary>
    public Page<TOut> PageOf<TIn, TOut>(IReadOnlyList<TIn> fetched, Func<TIn, int> key, Func<TIn, TOut> map)
    {
        var items = fetched.Take(Limit).ToList();
        var next = fetched.Count > Limit ? Encode(key(items[^1])) : null;
        return new Page<TOut>(items.Select(map).ToList(), next);
    }

    private static string Encode(int key) =>
        Base64UrlEncoder.Encode(Encoding.UTF8.GetBytes(Prefix + key.ToString(CultureInfo.InvariantCulture)));

    private static bool TryDecode(string cursor, out int key)
    {
        key = 0;
        if (cursor.Length is 0 or > 64)
        {
            return false;
        }
        try
        {
            var text = Encoding.UTF8.GetString(Base64UrlEncoder.DecodeBytes(cursor));
            return text.StartsWith(Prefix, StringComparison.Ordinal)
                && int.TryParse(text.AsSpan(Prefix.Length), NumberStyles.None, CultureInfo.InvariantCulture, out key)
                && key > 0;
        }
        catch (FormatException)
        {
            return false;
        }
    }
}
