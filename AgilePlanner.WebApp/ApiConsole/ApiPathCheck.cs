namespace AgilePlanner.WebApp.ApiConsole;

/// <summary>The outcome of checking a console path: the path to send, or why it was refused.</summary>
public sealed record ApiPathCheck(string? Path, string? Error)
{
    public bool IsAllowed => Error is null;

    public static ApiPathCheck Allowed(string path) => new(path, null);

    public static ApiPathCheck Refused(string error) => new(null, error);
}
