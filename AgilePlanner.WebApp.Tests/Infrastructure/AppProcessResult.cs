namespace AgilePlanner.WebApp.Tests.Infrastructure;

/// <summary>How a process ended: on its own or killed, its exit code and both streams.</summary>
public sealed record AppProcessResult(bool StoppedOnItsOwn, int ExitCode, string StandardOutput, string StandardError)
{
    public IReadOnlyList<string> ErrorLines =>
        StandardError.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
}
