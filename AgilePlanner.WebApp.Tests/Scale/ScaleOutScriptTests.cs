using System.Diagnostics;
using AgilePlanner.WebApp.Tests.Infrastructure;
using AgilePlanner.WebApp.Tests.Infrastructure.RealServers;

namespace AgilePlanner.WebApp.Tests.Scale;

/// <summary>
/// The README's <c>scripts/scale-out.sh</c>, as a developer runs it: Redis, PostgreSQL, HAProxy and two instances from
/// Debian's packages, the OAuth flow through the one address, a restart of both instances. Its own check, run whole.
/// </summary>
public sealed class ScaleOutScriptTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromMinutes(8);

    [Fact]
    public async Task The_scale_out_script_signs_in_through_its_balancer_on_both_instances_and_keeps_the_session_across_a_restart()
    {
        ServerBinaries.Require(ServerBinaries.RedisServer, "redis-server");
        ServerBinaries.Require(ServerBinaries.Haproxy, "haproxy");
        ServerBinaries.Require(Path.Combine(ServerBinaries.PostgreSqlBin, "initdb"), "postgresql-15");
        if (!ServerBinaries.IsRoot)
        {
            Assert.Skip("scripts/scale-out.sh starts PostgreSQL as the postgres user, which needs root.");
        }

        var start = new ProcessStartInfo("bash") { WorkingDirectory = Checkout.Root, RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(Path.Combine(Checkout.Root, "scripts", "scale-out.sh"));
        start.ArgumentList.Add("--check");
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync(TestContext.Current.CancellationToken);
        var error = process.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
        using var patience = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        patience.CancelAfter(Patience);
        try
        {
            await process.WaitForExitAsync(patience.Token);
        }
        catch (OperationCanceledException)
        {
            // SIGINT, as Ctrl-C: the script's trap stops and removes what it started.
            Process.Start("kill", ["-INT", process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)])!.WaitForExit();
            await process.WaitForExitAsync(CancellationToken.None);
        }
        TestContext.Current.TestOutputHelper?.WriteLine($"--- stdout\n{await output}\n--- stderr\n{await error}");

        Assert.Equal(0, process.ExitCode);
        Assert.Contains("scale-out check: passed (flow through the balancer answered by app1 app2", await output, StringComparison.Ordinal);
    }
}
