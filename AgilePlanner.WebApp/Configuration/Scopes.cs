namespace AgilePlanner.WebApp.Configuration;

/// <summary>Scope names as RFC 6749 section 3.3 allows them, kept to a short, printable set.</summary>
public static class Scopes
{
    public const string Read = "read";
    public const string Write = "write";

    public static bool IsValid(string scope) =>
        scope.Length is > 0 and <= 64 && scope.All(c => c is (>= 'a' and <= 'z') or (>= 'A' and <= 'Z') or (>= '0' and <= '9') or '_' or '-' or '.' or ':');
}
