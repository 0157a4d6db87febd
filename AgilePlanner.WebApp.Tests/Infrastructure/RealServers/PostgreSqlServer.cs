using Npgsql;

namespace AgilePlanner.WebApp.Tests.Infrastructure.RealServers;

/// <summary>
/// PostgreSQL 15 from Debian (<c>initdb</c>, <c>pg_ctl</c>) as its own cluster in a temp folder, on a free loopback port,
/// trust authentication on loopback only; run as the <c>postgres</c> user when the tests run as root. <see cref="StopAsync"/>
/// and <see cref="StartAsync"/> make outages; disposal stops it whatever happened.
/// </summary>
public sealed class PostgreSqlServer : IAsyncDisposable
{
    private readonly string _folder;
    private bool _running;

    private PostgreSqlServer(string folder)
    {
        _folder = folder;
        Port = LoopbackPorts.Free();
    }

    public int Port { get; }

    private string DataFolder => Path.Combine(_folder, "data");

    private static string Tool(string name) => Path.Combine(ServerBinaries.PostgreSqlBin, name);

    /// <summary>An Npgsql connection string to <paramref name="database"/> on this server.</summary>
    public string ConnectionString(string database) =>
        $"Host=127.0.0.1;Port={Port};Username=postgres;Database={database};Timeout=3;Command Timeout=60";

    public static async Task<PostgreSqlServer> StartNewAsync()
    {
        ServerBinaries.Require(Tool("initdb"), "postgresql-15");
        var folder = Path.Combine(Path.GetTempPath(), $"agileplanner-pg-{Guid.NewGuid():N}");
        var server = new PostgreSqlServer(folder);
        try
        {
            await RunAsync("mkdir", "-p", folder);
            await RunAsPostgresAsync(Tool("initdb"), "-D", server.DataFolder, "-U", "postgres", "--auth=trust", "-E", "UTF8", "--no-sync");
            await server.StartAsync();
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }
        return server;
    }

    public async Task StartAsync()
    {
        var options = $"-p {Port} -h 127.0.0.1 -k {_folder} -F -c max_connections=200";
        await RunAsPostgresAsync(Tool("pg_ctl"), "-D", DataFolder, "-l", Path.Combine(_folder, "server.log"), "-o", options, "-w", "-t", "30", "start");
        _running = true;
    }

    /// <summary>A fast shutdown: open connections are cut, as when a database server goes away.</summary>
    public async Task StopAsync()
    {
        if (_running)
        {
            await RunAsPostgresAsync(Tool("pg_ctl"), "-D", DataFolder, "-m", "fast", "-w", "-t", "30", "stop");
            _running = false;
        }
    }

    /// <summary>Creates an empty database and returns its connection string.</summary>
    public async Task<string> CreateDatabaseAsync(string name)
    {
        await using var connection = new NpgsqlConnection(ConnectionString("postgres"));
        await connection.OpenAsync(TestContext.Current.CancellationToken);
        await using var command = new NpgsqlCommand($"CREATE DATABASE \"{name}\"", connection);
        await command.ExecuteNonQueryAsync(TestContext.Current.CancellationToken);
        return ConnectionString(name);
    }

    /// <summary>One number from a query, for counting rows the tests must find exactly once.</summary>
    public async Task<long> ScalarAsync(string database, string sql)
    {
        await using var connection = new NpgsqlConnection(ConnectionString(database));
        await connection.OpenAsync(TestContext.Current.CancellationToken);
        await using var command = new NpgsqlCommand(sql, connection);
        return Convert.ToInt64(await command.ExecuteScalarAsync(TestContext.Current.CancellationToken), System.Globalization.CultureInfo.InvariantCulture);
    }

    public string Tail()
    {
        var log = Path.Combine(_folder, "server.log");
        return "--- postgres\n" + (File.Exists(log) ? string.Join('\n', File.ReadLines(log).TakeLast(30)) : "(no log)");
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (_running)
            {
                await RunAsPostgresAsync(Tool("pg_ctl"), "-D", DataFolder, "-m", "immediate", "-w", "-t", "30", "stop");
            }
        }
        finally
        {
            try
            {
                Directory.Delete(_folder, recursive: true);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                // The system cleans its temp directory.
            }
        }
    }

    private static Task RunAsPostgresAsync(string tool, params string[] arguments) =>
        ServerBinaries.IsRoot ? RunAsync("runuser", ["-u", "postgres", "--", tool, .. arguments]) : RunAsync(tool, arguments);

    private static async Task RunAsync(string fileName, params string[] arguments)
    {
        await using var process = ServerProcess.Start(fileName, fileName, arguments);
        using (var patience = new CancellationTokenSource(TimeSpan.FromSeconds(60)))
        {
            await process.WaitForExitAsync(patience.Token);
        }
        // The folder is the postgres user's: made by root, handed over.
        if (fileName == "mkdir" && ServerBinaries.IsRoot)
        {
            await RunAsync("chown", "postgres:postgres", arguments[^1]);
        }
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{fileName} {string.Join(' ', arguments)} exited with {process.ExitCode}.\n{process.Tail()}");
        }
    }
}
