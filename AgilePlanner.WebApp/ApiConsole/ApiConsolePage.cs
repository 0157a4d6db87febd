namespace AgilePlanner.WebApp.ApiConsole;

public sealed class ApiConsolePage
{
    /// <summary>The contract's GET paths, offered to pick from; <c>{id}</c> is replaced by a real project id.</summary>
    public static readonly IReadOnlyList<(string Path, string What)> ContractPaths =
    [
        ("/me", "The signed-in user: name, email, company, time zone."),
        ("/projects", "The user's projects, 25 a page (?limit=1..100, ?cursor= for the next page)."),
        ("/projects/{id}", "One project."),
        ("/projects/{id}/iterations", "A project's iterations: done, current and planned."),
        ("/projects/{id}/stories?state=started", "A project's stories, filtered by state (unstarted, started, finished, accepted)."),
    ];

    public string Path { get; set; } = "/me";

    public required string ApiBase { get; init; }

    public string? Refusal { get; set; }

    public ApiConsoleResult? Result { get; set; }
}
