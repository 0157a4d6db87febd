using AgilePlanner.Sandbox.Accounts;
using AgilePlanner.Sandbox.Authorization;
using AgilePlanner.Sandbox.Hosting;
using AgilePlanner.Sandbox.Storage;
using AgilePlanner.Sandbox.Storage.PostgreSql;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;
using OpenIddict.Abstractions;

namespace AgilePlanner.Sandbox.Seeding;

/// <summary>
/// Brings the database up to date at start and seeds it idempotently: the scopes, the applications from
/// <c>Sandbox:Clients</c>, and the demo account with its projects. A restart finds everything and adds nothing.
/// It runs in the background so the web app answers from its first second; <see cref="SandboxReadiness"/> holds
/// the sandbox's requests until it is done, and a failure stops the app as a failed start would. A database that cannot be
/// reached yet (PostgreSQL starting after the app) is waited for, not a failure. On PostgreSQL, instances that start together
/// take turns under an advisory lock, and the server's keys are read (made by the first) from the database.
/// </summary>
internal sealed partial class SandboxSeeder(
    IServiceProvider services,
    SandboxReadiness readiness,
    IHostApplicationLifetime lifetime,
    IOptions<SandboxOptions> options,
    TimeProvider time,
    ILogger<SandboxSeeder> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            // The server and the app's own pages start first; the database work follows at once.
            await WhenStartedAsync(stoppingToken);
            while (true)
            {
                try
                {
                    await SeedAsync(stoppingToken);
                    break;
                }
                catch (Exception exception) when (DatabaseOutage.IsOutage(exception) && !stoppingToken.IsCancellationRequested)
                {
                    LogDatabaseUnreachable(logger, RetryDelay.TotalSeconds, exception.Message);
                    // Real time, not the injected clock: a test's frozen clock must not freeze the retry.
                    await Task.Delay(RetryDelay, stoppingToken);
                }
            }
            readiness.Ready();
            LogReady(logger);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            readiness.Stopped();
        }
        catch (Exception exception)
        {
            LogFailed(logger, exception);
            readiness.Failed(exception);
            lifetime.StopApplication();
        }
    }

    /// <summary>Any number of the same app's instances seeding one PostgreSQL database wait on this lock in turn.</summary>
    internal const long SeedingLockKey = 0x41_50_53_61_6E_64; // "APSand"

    private static readonly TimeSpan RetryDelay = TimeSpan.FromSeconds(2);

    private Task WhenStartedAsync(CancellationToken cancellationToken)
    {
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        lifetime.ApplicationStarted.Register(() => started.TrySetResult());
        return started.Task.WaitAsync(cancellationToken);
    }

    private async Task SeedAsync(CancellationToken cancellationToken)
    {
        await using var scope = services.CreateAsyncScope();
        var provider = scope.ServiceProvider;
        var db = provider.GetRequiredService<SandboxDbContext>();

        if (db is PostgreSqlSandboxDbContext postgres)
        {
            // A session lock held across migrating and seeding, on a connection kept open for both; released in finally, and
            // by the server if this instance dies holding it.
            await db.Database.OpenConnectionAsync(cancellationToken);
            try
            {
                await db.Database.ExecuteSqlAsync($"SELECT pg_advisory_lock({SeedingLockKey})", cancellationToken);
                await db.Database.MigrateAsync(cancellationToken);
                await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
                await SeedRowsAsync(provider, cancellationToken);
                await provider.GetRequiredService<SharedServerKeys>().LoadOrCreateAsync(postgres, time.GetUtcNow().UtcDateTime, cancellationToken);
                await transaction.CommitAsync(cancellationToken);
            }
            finally
            {
                await UnlockAsync(db);
            }
            return;
        }

        await db.Database.MigrateAsync(cancellationToken);
        // One writer at a time (BEGIN IMMEDIATE): another instance seeding the same database waits, then finds
        // everything and adds nothing. The stores below share this scope's context, so they write inside it.
        await using (var transaction = await db.Database.BeginTransactionAsync(cancellationToken))
        {
            await SeedRowsAsync(provider, cancellationToken);
            await transaction.CommitAsync(cancellationToken);
        }
    }

    /// <summary>
    /// A pooled connection outlives its Close, and a session lock with it (the pool does not reset connections: see
    /// <see cref="PostgreSqlConnectionString"/>): unlock first, whatever happened, and if that fails, the connection is
    /// discarded instead of going back to the pool still holding the lock.
    /// </summary>
    private static async Task UnlockAsync(SandboxDbContext db)
    {
        var unlocked = false;
        try
        {
            await db.Database.ExecuteSqlAsync($"SELECT pg_advisory_unlock({SeedingLockKey})", CancellationToken.None);
            unlocked = true;
        }
        catch (Exception exception) when (DatabaseOutage.IsOutage(exception))
        {
            // The connection is gone, and the server released the lock with it.
        }
        finally
        {
            if (!unlocked && db.Database.GetDbConnection() is NpgsqlConnection connection)
            {
                NpgsqlConnection.ClearPool(connection);
            }
            await db.Database.CloseConnectionAsync();
        }
    }

    private async Task SeedRowsAsync(IServiceProvider provider, CancellationToken cancellationToken)
    {
        await SeedScopesAsync(provider.GetRequiredService<IOpenIddictScopeManager>(), cancellationToken);
        await SeedClientsAsync(provider.GetRequiredService<IOpenIddictApplicationManager>(), cancellationToken);
        await SeedDemoAccountAsync(provider, cancellationToken);
    }

    private static async Task SeedScopesAsync(IOpenIddictScopeManager scopes, CancellationToken cancellationToken)
    {
        foreach (var name in SandboxScopes.All)
        {
            if (await scopes.FindByNameAsync(name, cancellationToken) is null)
            {
                await scopes.CreateAsync(new OpenIddictScopeDescriptor
                {
                    Name = name,
                    DisplayName = SandboxScopes.DisplayNames[name],
                    Description = SandboxScopes.Explanations[name],
                }, cancellationToken);
            }
        }
    }

    private async Task SeedClientsAsync(IOpenIddictApplicationManager applications, CancellationToken cancellationToken)
    {
        foreach (var client in options.Value.Clients)
        {
            if (string.IsNullOrWhiteSpace(client.ClientId) || string.IsNullOrWhiteSpace(client.ClientSecret))
            {
                LogClientSkipped(logger, client.ClientId);
                continue;
            }

            var descriptor = ClientRegistrations.Describe(
                client.ClientId, client.ClientSecret,
                string.IsNullOrWhiteSpace(client.DisplayName) ? client.ClientId : client.DisplayName,
                client.RedirectUris, SandboxScopes.All);
            var existing = await applications.FindByClientIdAsync(client.ClientId, cancellationToken);
            if (existing is null)
            {
                await applications.CreateAsync(descriptor, cancellationToken);
                LogClientCreated(logger, client.ClientId);
            }
            else
            {
                await applications.UpdateAsync(existing, descriptor, cancellationToken);
                LogClientUpdated(logger, client.ClientId);
            }
        }
    }

    private async Task SeedDemoAccountAsync(IServiceProvider provider, CancellationToken cancellationToken)
    {
        var users = provider.GetRequiredService<UserManager<SandboxUser>>();
        var db = provider.GetRequiredService<SandboxDbContext>();
        var now = time.GetUtcNow().UtcDateTime;

        var demo = await users.FindByEmailAsync(DemoAccount.Email);
        if (demo is null)
        {
            demo = new SandboxUser
            {
                UserName = DemoAccount.Email,
                Email = DemoAccount.Email,
                EmailConfirmed = true,
                Name = DemoAccount.Name,
                Company = DemoAccount.Company,
                TimeZone = DemoAccount.TimeZone,
                CreatedAt = now,
            };
            var created = await users.CreateAsync(demo, DemoAccount.Password);
            if (!created.Succeeded)
            {
                throw new InvalidOperationException("The demo account could not be created: " +
                    string.Join(" ", created.Errors.Select(e => e.Description)));
            }
            LogDemoAccountCreated(logger);
        }

        if (!await db.Projects.AnyAsync(p => p.OwnerId == demo.Id, cancellationToken))
        {
            db.Projects.AddRange(PlanningData.DemoProjectsFor(demo.Id, now));
            await db.SaveChangesAsync(cancellationToken);
            LogDemoProjectsCreated(logger);
        }
    }

    [LoggerMessage(1, LogLevel.Information, "Sandbox client {ClientId} registered from configuration")]
    private static partial void LogClientCreated(ILogger logger, string clientId);

    [LoggerMessage(2, LogLevel.Information, "Sandbox client {ClientId} updated from configuration")]
    private static partial void LogClientUpdated(ILogger logger, string clientId);

    [LoggerMessage(3, LogLevel.Warning, "Sandbox client '{ClientId}' in configuration has no client id or secret and was skipped")]
    private static partial void LogClientSkipped(ILogger logger, string clientId);

    [LoggerMessage(4, LogLevel.Information, "Sandbox demo account created")]
    private static partial void LogDemoAccountCreated(ILogger logger);

    [LoggerMessage(5, LogLevel.Information, "Sandbox demo projects created")]
    private static partial void LogDemoProjectsCreated(ILogger logger);

    [LoggerMessage(6, LogLevel.Information, "Sandbox ready")]
    private static partial void LogReady(ILogger logger);

    [LoggerMessage(8, LogLevel.Warning, "The sandbox's database cannot be reached yet; trying again in {Seconds} s ({Reason})")]
    private static partial void LogDatabaseUnreachable(ILogger logger, double seconds, string reason);

    [LoggerMessage(7, LogLevel.Critical, "The sandbox could not prepare its database; the app stops")]
    private static partial void LogFailed(ILogger logger, Exception exception);
}
