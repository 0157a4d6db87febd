namespace AgilePlanner.WebApp.ApiConsole;

/// <summary>What the console shows of one exchange.</summary>
public sealed class ApiConsoleResult
{
    public required string Url { get; init; }

    public required string Curl { get; init; }

    /// <summary>Set when no answer came back at all.</summary>
    public string? Failure { get; init; }

    public int? Status { get; init; }

    public string? Reason { get; init; }

    public double? DurationMs { get; init; }

    public IReadOnlyList<KeyValuePair<string, string>> Headers { get; init; } = [];

    public string? Body { get; init; }

    public bool BodyIsJson { get; init; }

    public bool BodyTruncated { get; init; }

    public long BodyBytes { get; init; }

    public IReadOnlyList<string> ProjectIds { get; init; } = [];
}
