using System.Net.Sockets;

namespace AgilePlanner.WebApp.Tests.Infrastructure.RealServers;

/// <summary>
/// Debian's <c>redis-server</c> on a free loopback port with its files in a temp folder (append-only, so a stop and start
/// keeps what it held, as a real deployment's Redis does). <see cref="StopAsync"/> and <see cref="StartAsync"/> make outages.
/// </summary>
public sealed class RedisServer : IAsyncDisposable
{
    private readonly TempFolder _folder = new("redis");
    private ServerProcess? _process;

    private RedisServer()
    {
        Port = LoopbackPorts.Free();
    }

    public int Port { get; }

    /// <summary>The StackExchange.Redis configuration string: <c>ConnectionStrings:Redis</c>.</summary>
    public string ConnectionString => $"127.0.0.1:{Port}";

    public static async Task<RedisServer> StartNewAsync()
    {
        ServerBinaries.Require(ServerBinaries.RedisServer, "redis-server");
        var server = new RedisServer();
        try
        {
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
        _process = ServerProcess.Start("redis", ServerBinaries.RedisServer,
            ["--port", Port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--bind", "127.0.0.1", "--dir", _folder.Path,
             "--save", "", "--appendonly", "yes", "--appendfsync", "always", "--protected-mode", "yes"]);
        await WaitUntilAsync(() => Answers(), "redis-server to accept connections");
    }

    public async Task StopAsync()
    {
        if (_process is not null)
        {
            await _process.StopAsync();
            await _process.DisposeAsync();
            _process = null;
        }
    }

    public string Tail() => _process?.Tail() ?? "--- redis stopped";

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        _folder.Dispose();
    }

    private bool Answers()
    {
        try
        {
            using var client = new TcpClient("127.0.0.1", Port);
            using var stream = client.GetStream();
            stream.Write("PING\r\n"u8);
            var buffer = new byte[16];
            var read = stream.Read(buffer);
            return System.Text.Encoding.ASCII.GetString(buffer, 0, read).StartsWith("+PONG", StringComparison.Ordinal);
        }
        catch (Exception ex) when (ex is SocketException or IOException)
        {
            return false;
        }
    }

    internal static async Task WaitUntilAsync(Func<bool> condition, string what, TimeSpan? patience = null)
    {
        var deadline = DateTime.UtcNow + (patience ?? TimeSpan.FromSeconds(30));
        while (!condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"Gave up waiting for {what}.");
            }
            await Task.Delay(100, TestContext.Current.CancellationToken);
        }
    }
}
