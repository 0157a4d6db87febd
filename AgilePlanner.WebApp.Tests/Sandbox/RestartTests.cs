using System.Net;
using System.Text.Json;
using AgilePlanner.WebApp.Tests.Infrastructure;

namespace AgilePlanner.WebApp.Tests.Sandbox;

/// <summary>A second host on the same data directory, as after a restart: same data, nothing duplicated, tokens still valid.</summary>
public sealed class RestartTests : IAsyncLifetime
{
    private readonly string _dataDirectory = Path.Combine(Path.GetTempPath(), "agileplanner-tests", Guid.NewGuid().ToString("N"));

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Restart_keeps_the_data_without_duplicates_and_the_tokens_stay_valid()
    {
        TokenResponse tokens;
        string projectsBefore;
        int storiesBefore;
        string signedUpEmail = $"restart-{Guid.NewGuid():N}@example.test";
        await using (var first = new AgilePlannerAppFactory(_dataDirectory))
        {
            using var ada = await SandboxUser.SignInAsync(first);
            tokens = await ada.GetTokensAsync();
            using var grace = await SandboxUser.SignUpAsync(first, signedUpEmail);
            using var http = first.CreateClient();
            projectsBefore = await http.GetStringAsyncWithToken("/sandbox/api/v1/projects", tokens.AccessToken!);
            storiesBefore = await CountStoriesAsync(http, tokens.AccessToken!);
        }

        await using var second = new AgilePlannerAppFactory(_dataDirectory);
        using var client = second.CreateClient();

        Assert.Equal(projectsBefore, await client.GetStringAsyncWithToken("/sandbox/api/v1/projects", tokens.AccessToken!));
        Assert.Equal(storiesBefore, await CountStoriesAsync(client, tokens.AccessToken!));
        using var refreshed = await SandboxTokens.RefreshAsync(client, tokens.RefreshToken!);
        Assert.Equal(HttpStatusCode.OK, refreshed.StatusCode);
        using var again = await SandboxUser.SignInAsync(second, signedUpEmail, "compiler-1952");
        var graceTokens = await again.GetTokensAsync();
        var graceProjects = await client.GetStringAsyncWithToken("/sandbox/api/v1/projects", graceTokens.AccessToken!);
        Assert.Single(JsonDocument.Parse(graceProjects).RootElement.GetProperty("items").EnumerateArray());
        Assert.DoesNotContain(second.Logs.Lines, line => line.Contains("demo account created", StringComparison.OrdinalIgnoreCase));
    }

    private static async Task<int> CountStoriesAsync(HttpClient http, string token)
    {
        var projects = JsonDocument.Parse(await http.GetStringAsyncWithToken("/sandbox/api/v1/projects", token)).RootElement;
        var total = 0;
        foreach (var project in projects.GetProperty("items").EnumerateArray())
        {
            var stories = JsonDocument.Parse(await http.GetStringAsyncWithToken(
                $"/sandbox/api/v1/projects/{project.GetProperty("id").GetInt32()}/stories?limit=100", token)).RootElement;
            total += stories.GetProperty("items").GetArrayLength();
        }
        return total;
    }

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public ValueTask DisposeAsync()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(_dataDirectory, recursive: true);
        }
        catch (IOException)
        {
            // Left for the temp folder's own cleanup.
        }
        return ValueTask.CompletedTask;
    }
}
