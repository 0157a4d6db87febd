namespace AgilePlanner.Api;

/// <summary>The contract's scopes, and scope names as RFC 6749 section 3.3 allows them, kept to a short, printable set.</summary>
public static class AgilePlannerScopes
{
    /// <summary>Read the user's account, projects, iterations and stories.</summary>
    public const string Read = "read";

    /// <summary>Create stories.</summary>
    public const string Write = "write";

    /// <summary>Whether <paramref name="scope"/> is a well-formed scope name of at most 64 printable characters.</summary>
    /// <param name="scope">A scope name.</param>
    /// <returns>True for a name such as <c>read</c> or <c>projects:write</c>.</returns>
    public static bool IsValid(string scope) =>
        scope.Length is > 0 and <= 64 && scope.All(c => c is (>= 'a' and <= 'z') or (>= 'A' and <= 'Z') or (>= '0' and <= '9') or '_' or '-' or '.' or ':');
}
