using System.Globalization;
using System.Net.Sockets;

namespace AgilePlanner.WebApp.Tests.Infrastructure.RealServers;

/// <summary>
/// Debian's HAProxy in front of the app instances, on a free loopback port (IPv4 and IPv6): round robin, no sticky sessions,
/// instances checked on /healthz so a stopped one is left out. Each answer names the instance that served it
/// (<see cref="ServedByHeader"/>); a request carrying <see cref="PinHeader"/> goes to the instance it names, and one to the
/// app's callback carrying <see cref="CallbackPinHeader"/> to that one (the callback comes inside the provider's redirect, whose
/// headers the browser carries over), so a test can put each step of a flow on the instance it chooses; every other request
/// is dealt round robin.
/// </summary>
public sealed class HaproxyBalancer : IAsyncDisposable
{
    public const string ServedByHeader = "X-Served-By";
    public const string PinHeader = "X-Test-Instance";
    public const string CallbackPinHeader = "X-Test-Callback-Instance";

    private readonly TempFolder _folder = new("haproxy");
    private ServerProcess? _process;

    private HaproxyBalancer(int port, IReadOnlyList<int> instancePorts)
    {
        Port = port;
        InstancePorts = instancePorts;
    }

    public int Port { get; }

    public IReadOnlyList<int> InstancePorts { get; }

    /// <summary>The name of the i-th instance (0-based) in <see cref="ServedByHeader"/>: app1, app2, ...</summary>
    public static string InstanceName(int index) => $"app{index + 1}";

    /// <summary>Where the browser opens the app: <c>http://localhost:PORT/</c>.</summary>
    public Uri AppUrl => new($"http://localhost:{Port}/");

    /// <summary>The sandbox as the provider's own site: <c>http://127.0.0.1:PORT/sandbox/</c>.</summary>
    public Uri ProviderUrl => new($"http://127.0.0.1:{Port}/sandbox/");

    public static async Task<HaproxyBalancer> StartNewAsync(IReadOnlyList<int> instancePorts)
    {
        ServerBinaries.Require(ServerBinaries.Haproxy, "haproxy");
        var balancer = new HaproxyBalancer(LoopbackPorts.Free(), instancePorts);
        try
        {
            await balancer.StartAsync();
        }
        catch
        {
            await balancer.DisposeAsync();
            throw;
        }
        return balancer;
    }

    private async Task StartAsync()
    {
        var config = Path.Combine(_folder.Path, "haproxy.cfg");
        await File.WriteAllTextAsync(config, Configuration());
        _process = ServerProcess.Start("haproxy", ServerBinaries.Haproxy, ["-f", config, "-db"]);
        await RedisServer.WaitUntilAsync(Listening, "HAProxy to listen");
    }

    private string Configuration()
    {
        var port = Port.ToString(CultureInfo.InvariantCulture);
        var lines = new List<string>
        {
            "global",
            "  maxconn 512",
            // The runtime API, so a test can take an instance out of the rotation (drain) and put it back.
            $"  stats socket {AdminSocket} level admin",
            "defaults",
            "  mode http",
            "  timeout connect 2s",
            // A loaded test machine answers /healthz slowly at times: patience, and three misses before an instance is left out.
            "  timeout check 5s",
            "  timeout client 60s",
            "  timeout server 60s",
            "  retries 3",
            "  option redispatch",
            "frontend web",
            $"  bind 127.0.0.1:{port}",
            $"  bind [::1]:{port}",
            "  option forwardfor",
            "  default_backend apps",
            "backend apps",
            "  balance roundrobin",
            // HTTP/1.1 with a Host the app allows: a check without one gets the app's 400 for an unknown host.
            "  option httpchk",
            "  http-check send meth GET uri /healthz ver HTTP/1.1 hdr Host localhost",
            $"  http-response set-header {ServedByHeader} %s",
            // A pinned request goes to its instance even when a slow health check has just marked it down.
            $"  force-persist if {{ req.hdr({PinHeader}) -m found }}",
            $"  force-persist if {{ path /callback }} {{ req.hdr({CallbackPinHeader}) -m found }}",
        };
        for (var i = 0; i < InstancePorts.Count; i++)
        {
            lines.Add($"  use-server {InstanceName(i)} if {{ path /callback }} {{ req.hdr({CallbackPinHeader}) -m str {InstanceName(i)} }}");
        }
        for (var i = 0; i < InstancePorts.Count; i++)
        {
            lines.Add($"  use-server {InstanceName(i)} if {{ req.hdr({PinHeader}) -m str {InstanceName(i)} }}");
        }
        for (var i = 0; i < InstancePorts.Count; i++)
        {
            lines.Add($"  server {InstanceName(i)} 127.0.0.1:{InstancePorts[i].ToString(CultureInfo.InvariantCulture)} check inter 500ms fall 3 rise 1");
        }
        return string.Join('\n', lines) + '\n';
    }

    private bool Listening()
    {
        try
        {
            using var client = new TcpClient("127.0.0.1", Port);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    /// <summary>
    /// Takes an instance out of the round robin (<c>drain</c>: pinned requests still reach it) or puts it back (<c>ready</c>),
    /// so a test decides which instance's sandbox answers the app's back-channel calls, which carry no pin.
    /// </summary>
    public async Task SetStateAsync(string instance, string state)
    {
        using var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        await socket.ConnectAsync(new UnixDomainSocketEndPoint(AdminSocket), TestContext.Current.CancellationToken);
        await socket.SendAsync(System.Text.Encoding.ASCII.GetBytes($"set server apps/{instance} state {state}\n"), SocketFlags.None, TestContext.Current.CancellationToken);
        var buffer = new byte[1024];
        var answer = new System.Text.StringBuilder();
        int read;
        while ((read = await socket.ReceiveAsync(buffer, SocketFlags.None, TestContext.Current.CancellationToken)) > 0)
        {
            answer.Append(System.Text.Encoding.ASCII.GetString(buffer, 0, read));
        }
        // HAProxy answers an accepted command with an empty line, a refused one with the reason.
        if (answer.ToString().Trim() is { Length: > 0 } refused)
        {
            throw new InvalidOperationException($"HAProxy refused to set {instance} to {state}: {refused}");
        }
    }

    public string Tail() => _process?.Tail() ?? "--- haproxy stopped";

    private string AdminSocket => Path.Combine(_folder.Path, "admin.sock");

    public async ValueTask DisposeAsync()
    {
        if (_process is not null)
        {
            await _process.DisposeAsync();
        }
        _folder.Dispose();
    }
}
