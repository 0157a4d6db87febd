using System.Net;
using System.Net.Sockets;
using AgilePlanner.WebApp.Tests.Infrastructure;

namespace AgilePlanner.WebApp.Tests.Operations;

/// <summary>
/// The app as an operator starts it, with a setting wrong or a port taken: it stops by itself with exit code 1 and one
/// line on standard error that names what to change; no stack trace on either stream, no secret.
/// </summary>
public sealed class StartupErrorTests
{
    private static readonly Dictionary<string, string> RemoteProvider = new()
    {
        ["Sandbox__Enabled"] = "false",
        ["AgilePlanner__ClientId"] = "my-client",
        ["AgilePlanner__AuthorizationEndpoint"] = "https://provider.example/oauth/authorize",
        ["AgilePlanner__TokenEndpoint"] = "https://provider.example/oauth/token",
        ["AgilePlanner__ApiBaseUrl"] = "https://provider.example/api/v1/",
    };

    [Theory]
    [InlineData("my-client")]
    [InlineData("agile-planner-connect")] // the sandbox's own registration: its secret stays the sandbox's
    public async Task With_the_sandbox_off_a_missing_client_secret_stops_the_app_with_one_line_naming_the_key(string clientId)
    {
        var settings = new Dictionary<string, string>(RemoteProvider) { ["AgilePlanner__ClientId"] = clientId };

        var result = await AppProcess.RunUntilItStopsAsync(settings, "--urls", $"http://127.0.0.1:{LoopbackPorts.Free()}");

        var line = AssertStoppedWithOneLine(result);
        Assert.StartsWith("AgilePlanner:ClientSecret is missing", line);
        Assert.Contains("dotnet user-secrets", line);
        Assert.Contains("AgilePlanner__ClientSecret", line);
        Assert.DoesNotContain("sandbox-secret-not-for-production", result.StandardOutput + result.StandardError);
    }

    [Fact]
    public async Task A_malformed_endpoint_stops_the_app_with_one_line_naming_the_key()
    {
        var settings = new Dictionary<string, string>(RemoteProvider)
        {
            ["AgilePlanner__ClientSecret"] = "my-secret-4e1d",
            ["AgilePlanner__TokenEndpoint"] = "provider.example/oauth/token",
        };

        var result = await AppProcess.RunUntilItStopsAsync(settings, "--urls", $"http://127.0.0.1:{LoopbackPorts.Free()}");

        var line = AssertStoppedWithOneLine(result);
        Assert.StartsWith("AgilePlanner:TokenEndpoint must be an absolute http or https URL", line);
        Assert.DoesNotContain("my-secret-4e1d", result.StandardOutput + result.StandardError);
    }

    [Fact]
    public async Task A_malformed_public_address_stops_the_app_with_one_line_naming_the_key()
    {
        var result = await AppProcess.RunUntilItStopsAsync(
            new Dictionary<string, string> { ["AgilePlanner__PublicBaseUrl"] = "planner.example" }, "--urls", $"http://127.0.0.1:{LoopbackPorts.Free()}");

        Assert.StartsWith("AgilePlanner:PublicBaseUrl must be an absolute http or https URL", AssertStoppedWithOneLine(result));
    }

    [Fact]
    public async Task A_port_in_use_stops_the_app_with_one_line_that_says_to_pick_another_with_urls()
    {
        using var other = new TcpListener(IPAddress.Loopback, 0);
        other.Start();
        var port = ((IPEndPoint)other.LocalEndpoint).Port;

        var result = await AppProcess.RunUntilItStopsAsync(new Dictionary<string, string>(), "--urls", $"http://127.0.0.1:{port}");

        var line = AssertStoppedWithOneLine(result);
        Assert.Contains($"127.0.0.1:{port}", line);
        Assert.Contains("address already in use", line);
        Assert.Contains("--urls", line);
    }

    private static string AssertStoppedWithOneLine(AppProcessResult result)
    {
        Assert.True(result.StoppedOnItsOwn, "The app kept running.");
        Assert.Equal(1, result.ExitCode);
        var line = Assert.Single(result.ErrorLines);
        foreach (var stream in new[] { result.StandardOutput, result.StandardError })
        {
            Assert.DoesNotContain("Exception", stream);
            Assert.DoesNotContain("   at ", stream);
        }
        return line;
    }
}
