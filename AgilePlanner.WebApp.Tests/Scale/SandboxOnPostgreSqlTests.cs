using System.Net;
using System.Text.Json;
using AgilePlanner.Sandbox.Authorization;
using AgilePlanner.Sandbox.Seeding;
using AgilePlanner.WebApp.Tests.Infrastructure.RealServers;

namespace AgilePlanner.WebApp.Tests.Scale;

/// <summary>The sandbox on a real PostgreSQL, shared by several real instances of the app.</summary>
public sealed class SandboxOnPostgreSqlTests
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Three_instances_starting_at_once_seed_the_demo_data_once_and_publish_the_same_keys()
    {
        await using var topology = await ScaleTopology.StartAsync(3);

        Assert.Equal(1, await DemoAccountsAsync(topology));
        Assert.Equal(PlanningData.DemoProjectsFor("count", DateTime.UtcNow).Count, await DemoProjectsAsync(topology));
        Assert.Equal(1, await topology.Postgres.ScalarAsync(topology.Database,
            "SELECT count(*) FROM \"OpenIddictApplications\" WHERE \"ClientId\" = 'agile-planner-connect'"));
        Assert.Equal(SandboxScopes.All.Count, await topology.Postgres.ScalarAsync(topology.Database, "SELECT count(*) FROM \"OpenIddictScopes\""));
        Assert.Equal(2, await topology.Postgres.ScalarAsync(topology.Database, "SELECT count(*) FROM \"ServerKeys\""));

        // Every instance signs with the one key in the database: the same key id on each one's JWKS.
        var keyIds = new List<string>();
        foreach (var instance in topology.Instances)
        {
            using var client = new HttpClient { BaseAddress = instance.DirectUrl };
            var jwks = JsonDocument.Parse(await client.GetStringAsync("sandbox/.well-known/jwks", Cancel));
            keyIds.Add(string.Join(",", jwks.RootElement.GetProperty("keys").EnumerateArray().Select(key => key.GetProperty("kid").GetString())));
        }
        Assert.Single(keyIds.Distinct());
        Assert.False(string.IsNullOrEmpty(keyIds[0]));
    }

    [Fact]
    public async Task PostgreSQL_stopped_the_sandbox_answers_503_and_readyz_names_it_then_it_recovers_by_itself()
    {
        await using var topology = await ScaleTopology.StartAsync(1);
        using var client = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = topology.Instances[0].DirectUrl };
        const string authorize = "sandbox/oauth/authorize?client_id=agile-planner-connect&response_type=code&scope=read"
            + "&redirect_uri=http%3A%2F%2Flocalhost%2Fcallback&state=s&code_challenge=E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGrSW8dZWA&code_challenge_method=S256";

        using (var before = await client.GetAsync(authorize, Cancel))
        {
            // Not signed in: the sandbox sends the browser to its sign-in page, having found the client in its database.
            Assert.Equal(HttpStatusCode.Redirect, before.StatusCode);
        }

        await topology.Postgres.StopAsync();

        using (var page = await client.GetAsync(authorize, Cancel))
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, page.StatusCode);
            Assert.StartsWith("text/html", page.Content.Headers.ContentType?.MediaType);
            var html = await page.Content.ReadAsStringAsync(Cancel);
            Assert.Contains("cannot reach its database", html);
            Assert.DoesNotContain("Npgsql", html);
            Assert.DoesNotContain("   at ", html);
        }

        using (var api = new HttpRequestMessage(HttpMethod.Get, "sandbox/api/v1/me"))
        {
            api.Headers.Authorization = new("Bearer", "some-reference-token");
            using var answer = await client.SendAsync(api, Cancel);
            Assert.Equal(HttpStatusCode.ServiceUnavailable, answer.StatusCode);
            var error = JsonDocument.Parse(await answer.Content.ReadAsStringAsync(Cancel)).RootElement;
            Assert.Equal("temporarily_unavailable", error.GetProperty("error").GetString());
        }

        using (var ready = await client.GetAsync("readyz", Cancel))
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, ready.StatusCode);
            var check = JsonDocument.Parse(await ready.Content.ReadAsStringAsync(Cancel)).RootElement.GetProperty("checks").GetProperty("database-SandboxDbContext");
            Assert.Equal("Unhealthy", check.GetProperty("status").GetString());
            Assert.Equal("PostgreSQL database not reachable", check.GetProperty("description").GetString());
        }

        await topology.Postgres.StartAsync();

        // Nothing restarted: the same process answers again once the database is back.
        await EventuallyAsync(async () =>
        {
            using var after = await client.GetAsync(authorize, Cancel);
            using var ready = await client.GetAsync("readyz", Cancel);
            return after.StatusCode == HttpStatusCode.Redirect && ready.StatusCode == HttpStatusCode.OK;
        });
    }

    internal static Task<long> DemoAccountsAsync(ScaleTopology topology) =>
        topology.Postgres.ScalarAsync(topology.Database, "SELECT count(*) FROM \"AspNetUsers\" WHERE \"Email\" = 'demo@agileplanner.test'");

    internal static Task<long> DemoProjectsAsync(ScaleTopology topology) =>
        topology.Postgres.ScalarAsync(topology.Database,
            "SELECT count(*) FROM \"Projects\" p JOIN \"AspNetUsers\" u ON u.\"Id\" = p.\"OwnerId\" WHERE u.\"Email\" = 'demo@agileplanner.test'");

    internal static async Task EventuallyAsync(Func<Task<bool>> condition, int seconds = 30)
    {
        var deadline = DateTime.UtcNow.AddSeconds(seconds);
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < deadline, $"Not recovered within {seconds} s.");
            await Task.Delay(500, Cancel);
        }
    }
}
