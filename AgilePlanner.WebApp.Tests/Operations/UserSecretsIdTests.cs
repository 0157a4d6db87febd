using System.Diagnostics;
using System.Reflection;
using AgilePlanner.WebApp.Tests.Infrastructure;
using Microsoft.Extensions.Configuration.UserSecrets;

namespace AgilePlanner.WebApp.Tests.Operations;

/// <summary>Two clones on one machine keep separate user-secrets: the id is the checkout's, not one fixed string.</summary>
public sealed class UserSecretsIdTests
{
    [Fact]
    public async Task A_second_checkout_of_the_project_has_a_user_secrets_id_of_its_own()
    {
        var built = typeof(Program).Assembly.GetCustomAttribute<UserSecretsIdAttribute>()!.UserSecretsId;
        var checkout = Checkout.Root;
        var clone = Path.Combine(Path.GetTempPath(), "agileplanner-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Path.Combine(clone, "AgilePlanner.WebApp"));
        try
        {
            foreach (var file in new[] { "Directory.Build.props", "Directory.Packages.props", "global.json", "AgilePlanner.WebApp/AgilePlanner.WebApp.csproj" })
            {
                File.Copy(Path.Combine(checkout, file), Path.Combine(clone, file));
            }

            var here = await UserSecretsIdAsync(checkout);
            var there = await UserSecretsIdAsync(clone);

            Assert.Equal(here, built);
            Assert.Matches("^agileplanner-webapp-[0-9a-f]{8}$", built);
            Assert.NotEqual(here, there);
        }
        finally
        {
            Directory.Delete(clone, recursive: true);
        }
    }

    /// <summary>What <c>dotnet user-secrets --project</c> reads: the project's evaluated UserSecretsId.</summary>
    private static async Task<string> UserSecretsIdAsync(string checkout)
    {
        var start = new ProcessStartInfo("dotnet") { WorkingDirectory = checkout, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in new[] { "msbuild", "AgilePlanner.WebApp/AgilePlanner.WebApp.csproj", "-getProperty:UserSecretsId", "-nologo" })
        {
            start.ArgumentList.Add(argument);
        }
        using var process = Process.Start(start)!;
        var output = await process.StandardOutput.ReadToEndAsync(TestContext.Current.CancellationToken);
        await process.WaitForExitAsync(TestContext.Current.CancellationToken);
        Assert.Equal(0, process.ExitCode);
        return output.Trim();
    }
}
