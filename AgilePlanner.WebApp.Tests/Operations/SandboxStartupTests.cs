using System.Net;
using System.Text.Json;
using AgilePlanner.Sandbox;
using AgilePlanner.Sandbox.Seeding;
using AgilePlanner.WebApp.Tests.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace AgilePlanner.WebApp.Tests.Operations;

/// <summary>
/// The sandbox migrates and seeds its database in the background: the app answers at once, the sandbox's own requests
/// wait until it is ready, readiness says which it is, and a sandbox that cannot start stops the app.
/// </summary>
public sealed class SandboxStartupTests : IAsyncDisposable
{
    private readonly AgilePlannerAppFactory _app = new();

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task The_app_answers_while_the_sandbox_prepares_and_sandbox_requests_wait_until_it_is_ready()
    {
        HoldBackTheSeeder(_app);
        using var client = _app.CreateClient();

        using var home = await client.GetAsync("/", Cancel);
        Assert.Equal(HttpStatusCode.OK, home.StatusCode);
        Assert.Equal("sandbox preparing its database", await SandboxCheckAsync(client, HttpStatusCode.ServiceUnavailable));
        // Not ready yet is the normal start, logged as such: no Warning or Error for it.
        Assert.Contains(_app.Logs.Lines, line => line.StartsWith("Information", StringComparison.Ordinal) && line.Contains("still preparing its database", StringComparison.Ordinal));
        Assert.DoesNotContain(_app.Logs.Lines, line => line.StartsWith("Error", StringComparison.Ordinal) || line.StartsWith("Warning", StringComparison.Ordinal) && line.Contains("sandbox", StringComparison.OrdinalIgnoreCase));

        var signIn = client.GetAsync("/sandbox/signin", Cancel);
        await Task.Delay(300, Cancel);
        Assert.False(signIn.IsCompleted, "a sandbox page was served before its database was ready");

        using var seeder = ActivatorUtilities.CreateInstance<SandboxSeeder>(_app.Services);
        await seeder.StartAsync(Cancel);
        using var page = await signIn;
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        var document = await Html.ParseAsync(page);
        Assert.NotNull(document.QuerySelector("form[action='/sandbox/signin']"));
        Assert.Equal("sandbox ready", await SandboxCheckAsync(client, HttpStatusCode.OK));
        await seeder.StopAsync(Cancel);
    }

    [Fact]
    public async Task A_sandbox_database_that_cannot_be_opened_is_logged_answers_503_and_stops_the_app()
    {
        Directory.CreateDirectory(_app.DataDirectory);
        await File.WriteAllTextAsync(Path.Combine(_app.DataDirectory, "sandbox.db"), "this is not a SQLite database", Cancel);
        HoldBackTheSeeder(_app);
        // The request must be in the pipeline before the seeder fails and the app stops: a request the test server has
        // not started by then is refused with ObjectDisposedException, which says nothing about the sandbox.
        var entered = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var holdBack = _app.ConfigureTestServices;
        _app.ConfigureTestServices = services =>
        {
            holdBack?.Invoke(services);
            services.AddSingleton<IStartupFilter>(new SignalOnEntry(entered));
        };
        using var client = _app.CreateClient();
        var readiness = _app.Services.GetRequiredService<SandboxReadiness>();
        var stopping = new TaskCompletionSource();
        _app.Services.GetRequiredService<IHostApplicationLifetime>().ApplicationStopping.Register(() => stopping.TrySetResult());
        var waiting = client.GetAsync("/sandbox/signin", Cancel);
        await entered.Task.WaitAsync(TimeSpan.FromSeconds(30), Cancel);

        using var seeder = ActivatorUtilities.CreateInstance<SandboxSeeder>(_app.Services);
        await seeder.StartAsync(Cancel);
        using var response = await waiting;

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal("The sandbox could not start. Its log says why.", await response.Content.ReadAsStringAsync(Cancel));
        await stopping.Task.WaitAsync(Cancel);
        Assert.True(readiness.WhenReady.IsFaulted);
        Assert.Contains(_app.Logs.Lines, line => line.Contains("The sandbox could not prepare its database; the app stops"));
    }

    [Fact]
    public async Task Two_instances_preparing_one_data_directory_at_once_both_become_ready_with_one_demo_account()
    {
        HoldBackTheSeeder(_app);
        await using var second = new AgilePlannerAppFactory(_app.DataDirectory);
        HoldBackTheSeeder(second);
        _ = _app.Server;
        _ = second.Server;

        using var first = ActivatorUtilities.CreateInstance<SandboxSeeder>(_app.Services);
        using var other = ActivatorUtilities.CreateInstance<SandboxSeeder>(second.Services);
        await Task.WhenAll(first.StartAsync(Cancel), other.StartAsync(Cancel));
        await Task.WhenAll(
            _app.Services.GetRequiredService<SandboxReadiness>().WhenReady.WaitAsync(Cancel),
            second.Services.GetRequiredService<SandboxReadiness>().WhenReady.WaitAsync(Cancel));

        await using var scope = _app.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AgilePlanner.Sandbox.Storage.SandboxDbContext>();
        var demo = await db.Users.Where(u => u.Email == SandboxUser.DemoEmail).Select(u => u.Id).ToListAsync(Cancel);
        Assert.Single(demo);
        Assert.Equal(3, await db.Projects.CountAsync(p => p.OwnerId == demo[0], Cancel));
        await first.StopAsync(Cancel);
        await other.StopAsync(Cancel);
    }

    /// <summary>The seeder is held back, to be started by hand: the window a slow first start opens, made as wide as needed.</summary>
    /// <summary>Signals when the first request enters the pipeline, ahead of every middleware of the app.</summary>
    private sealed class SignalOnEntry(TaskCompletionSource entered) : IStartupFilter
    {
        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            app.Use((context, nextMiddleware) =>
            {
                entered.TrySetResult();
                return nextMiddleware(context);
            });
            next(app);
        };
    }

    private static void HoldBackTheSeeder(AgilePlannerAppFactory app) => app.ConfigureTestServices = services =>
        services.Remove(services.Single(d => d.ServiceType == typeof(IHostedService) && d.ImplementationType == typeof(SandboxSeeder)));

    private static async Task<string?> SandboxCheckAsync(HttpClient client, HttpStatusCode expected)
    {
        using var response = await client.GetAsync("/readyz", Cancel);
        Assert.Equal(expected, response.StatusCode);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Cancel));
        return body.RootElement.GetProperty("checks").GetProperty("sandbox").GetProperty("description").GetString();
    }

    public ValueTask DisposeAsync() => _app.DisposeAsync();
}
