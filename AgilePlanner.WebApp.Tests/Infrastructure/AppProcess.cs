using System.Diagnostics;

namespace AgilePlanner.WebApp.Tests.Infrastructure;

/// <summary>
/// The built web app started as an operator starts it (<c>dotnet AgilePlanner.WebApp.dll</c>) with environment variables,
/// expected to stop on its own: what it printed on each stream and its exit code. One that keeps running is killed.
/// </summary>
public static class AppProcess
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(40);

    public static async Task<AppProcessResult> RunUntilItStopsAsync(IReadOnlyDictionary<string, string> environment, params string[] arguments)
    {
        var dataDirectory = Path.Combine(Path.GetTempPath(), "agileplanner-tests", Guid.NewGuid().ToString("N"));
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = AppContext.BaseDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "AgilePlanner.WebApp.dll"));
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }
        // Only what the test says: no settings inherited from the test run or the developer's shell.
        foreach (var inherited in start.Environment.Keys.Where(k => k.StartsWith("AgilePlanner__", StringComparison.OrdinalIgnoreCase)
            || k.StartsWith("Sandbox__", StringComparison.OrdinalIgnoreCase) || k.StartsWith("ASPNETCORE_", StringComparison.OrdinalIgnoreCase)).ToList())
        {
            start.Environment.Remove(inherited);
        }
        start.Environment["DOTNET_ENVIRONMENT"] = "Production";
        start.Environment["DataDirectory"] = dataDirectory;
        foreach (var (name, value) in environment)
        {
            start.Environment[name] = value;
        }

        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var patience = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        patience.CancelAfter(Patience);
        var stopped = true;
        try
        {
            await process.WaitForExitAsync(patience.Token);
        }
        catch (OperationCanceledException)
        {
            stopped = false;
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync(CancellationToken.None);
        }
        finally
        {
            TryDelete(dataDirectory);
        }

        var result = new AppProcessResult(stopped, process.ExitCode, await output, await error);
        TestContext.Current.TestOutputHelper?.WriteLine($"exit {result.ExitCode}\n--- stdout\n{result.StandardOutput}\n--- stderr\n{result.StandardError}");
        return result;
    }

    private static void TryDelete(string path)
    {
        try
        {
            if (Directory.Exists(path))
            {
                Directory.Delete(path, recursive: true);
            }
        }
        catch (IOException)
        {
            // The temp folder is cleaned by the OS.
        }
    }
}
