using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using AgilePlanner.Sandbox;
using AgilePlanner.WebApp.Hosting;
using AgilePlanner.WebApp.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace AgilePlanner.WebApp.Tests.Operations;

public sealed class HealthEndpointTests : IAsyncLifetime
{
    private const string ClientSecret = "sandbox-secret-not-for-production";

    private readonly AgilePlannerAppFactory _app = new();

    [Fact]
    public async Task Liveness_answers_healthy_json_that_is_never_cached()
    {
        using var client = _app.CreateClient();

        using var response = await client.GetAsync("/healthz", TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        Assert.True(response.Headers.CacheControl?.NoStore);
        var body = await ReadJsonAsync(response);
        Assert.Equal("Healthy", body.GetProperty("status").GetString());
    }

    [Fact]
    public async Task Readiness_is_healthy_by_default_and_names_each_check()
    {
        using var client = _app.CreateClient();
        await _app.Services.GetRequiredService<SandboxReadiness>().WhenReady.WaitAsync(TestContext.Current.CancellationToken);

        using var response = await client.GetAsync("/readyz", TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await ReadJsonAsync(response);
        Assert.Equal("Healthy", body.GetProperty("status").GetString());
        var checks = body.GetProperty("checks");
        Assert.Equal("Healthy", checks.GetProperty("data-directory").GetProperty("status").GetString());
        Assert.Equal("Healthy", checks.GetProperty("provider").GetProperty("status").GetString());
        Assert.Equal("Healthy", checks.GetProperty("database-SandboxDbContext").GetProperty("status").GetString());
        Assert.Equal("sandbox ready", checks.GetProperty("sandbox").GetProperty("description").GetString());
    }

    [Theory]
    [InlineData("true")]
    [InlineData("false")]
    public async Task Readiness_is_unhealthy_when_the_provider_is_unreachable(string sandboxEnabled)
    {
        var closedPort = LoopbackPorts.Free();
        var provider = $"http://127.0.0.1:{closedPort}";
        _app.With("Sandbox:Enabled", sandboxEnabled)
            // A remote provider's registration is the operator's; only the sandbox brings its own.
            .With("AgilePlanner:ClientId", "agile-planner-connect")
            .With("AgilePlanner:ClientSecret", ClientSecret)
            .With("AgilePlanner:AuthorizationEndpoint", $"{provider}/oauth/authorize")
            .With("AgilePlanner:ApiBaseUrl", $"{provider}/api/v1/")
            .With(ProviderHealthCheck.TokenEndpointKey, $"{provider}/oauth/token?client_secret={ClientSecret}");
        using var client = _app.CreateClient();

        using var response = await client.GetAsync("/readyz", TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        var text = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        var check = JsonDocument.Parse(text).RootElement.GetProperty("checks").GetProperty("provider");
        Assert.Equal("Unhealthy", check.GetProperty("status").GetString());
        Assert.Contains("unreachable", check.GetProperty("description").GetString());
        Assert.DoesNotContain(ClientSecret, text);
        Assert.DoesNotContain(ClientSecret, _app.Logs.AllText);
    }

    [Fact]
    public async Task Readiness_is_healthy_when_a_configured_token_endpoint_answers()
    {
        _app.With(ProviderHealthCheck.TokenEndpointKey, "http://localhost/sandbox/oauth/token");
        _app.ConfigureTestServices = services => services.AddHttpClient(ProviderHealthCheck.HttpClientName)
            .ConfigurePrimaryHttpMessageHandler(() => _app.Server.CreateHandler());
        using var client = _app.CreateClient();
        // The sandbox prepares its database in the background; until then readiness is rightly unhealthy.
        await _app.Services.GetRequiredService<SandboxReadiness>().WhenReady.WaitAsync(TestContext.Current.CancellationToken);

        using var response = await client.GetAsync("/readyz", TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var provider = (await ReadJsonAsync(response)).GetProperty("checks").GetProperty("provider");
        Assert.Equal("Healthy", provider.GetProperty("status").GetString());
        Assert.StartsWith("token endpoint at http://localhost answered", provider.GetProperty("description").GetString());
    }

    [Fact]
    public async Task Readiness_is_unhealthy_when_the_data_directory_is_gone()
    {
        using var client = _app.CreateClient();
        // Gone after a healthy start: the sandbox has finished preparing its database first.
        await _app.Services.GetRequiredService<SandboxReadiness>().WhenReady.WaitAsync(TestContext.Current.CancellationToken);
        using (await client.GetAsync("/healthz", TestContext.Current.CancellationToken))
        {
        }
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_app.DataDirectory, recursive: true);

        using var response = await client.GetAsync("/readyz", TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        var check = (await ReadJsonAsync(response)).GetProperty("checks").GetProperty("data-directory");
        Assert.Equal("Unhealthy", check.GetProperty("status").GetString());
    }

    [Fact]
    public async Task Health_probes_stay_out_of_the_request_log_while_pages_are_logged()
    {
        using var client = _app.CreateClient();

        using (await client.GetAsync("/healthz", TestContext.Current.CancellationToken))
        using (await client.GetAsync("/readyz", TestContext.Current.CancellationToken))
        using (await client.GetAsync("/", TestContext.Current.CancellationToken))
        {
        }

        var requestLines = _app.Logs.Lines.Where(line => line.Contains("RequestLoggingMiddleware")).ToList();
        Assert.Contains(requestLines, line => line.Contains("HTTP GET / responded 200"));
        Assert.DoesNotContain(requestLines, line => line.Contains("/healthz") || line.Contains("/readyz"));
    }


    private static async Task<JsonElement> ReadJsonAsync(HttpResponseMessage response) =>
        JsonDocument.Parse(await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken)).RootElement;

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public ValueTask DisposeAsync() => _app.DisposeAsync();
}
