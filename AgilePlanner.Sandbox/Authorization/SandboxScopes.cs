namespace AgilePlanner.Sandbox.Authorization;

/// <summary>The scopes an application may ask for, with the words the consent page uses for each.</summary>
internal static class SandboxScopes
{
    public const string Read = "read";
    public const string Write = "write";

    public static IReadOnlyList<string> All { get; } = [Read, Write];

    /// <summary>The audience of every access token: the sandbox's API v1.</summary>
    public const string ApiAudience = "agile-planner-api";

    public static IReadOnlyDictionary<string, string> DisplayNames { get; } = new Dictionary<string, string>
    {
        [Read] = "Read your planning data",
        [Write] = "Add stories",
    };

    public static IReadOnlyDictionary<string, string> Explanations { get; } = new Dictionary<string, string>
    {
        [Read] = "See your name, email address and company, and your projects, iterations and stories.",
        [Write] = "Add new stories to your projects on your behalf.",
    };

    public static string Explain(string scope) =>
        Explanations.TryGetValue(scope, out var text) ? text : scope;
}
