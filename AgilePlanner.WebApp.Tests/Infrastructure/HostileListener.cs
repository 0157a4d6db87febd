using System.Net;
using System.Net.Sockets;
using System.Text;

namespace AgilePlanner.WebApp.Tests.Infrastructure;

/// <summary>
/// An attacker's server on a free loopback port: counts every connection made to it and answers each request with a
/// token and a user of its own, as the listener of the Host-header attack did.
/// </summary>
public sealed class HostileListener : IDisposable
{
    private const string Answer = "{\"access_token\":\"attacker-token\",\"token_type\":\"Bearer\",\"expires_in\":3600,\"id\":\"1\",\"name\":\"Mallory\",\"email\":\"mallory@evil.test\"}";

    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource _stop = new();
    private int _connections;

    public HostileListener()
    {
        _listener.Start();
        Port = ((IPEndPoint)_listener.LocalEndpoint).Port;
        _ = AcceptAsync();
    }

    public int Port { get; }

    /// <summary>The Host header that points the app at this listener: <c>127.0.0.1:PORT</c>.</summary>
    public string Host => $"127.0.0.1:{Port}";

    public int Connections => Volatile.Read(ref _connections);

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await _listener.AcceptTcpClientAsync(_stop.Token);
            }
            catch (Exception exception) when (exception is OperationCanceledException or ObjectDisposedException or SocketException)
            {
                return;
            }
            Interlocked.Increment(ref _connections);
            _ = AnswerAsync(client);
        }
    }

    private static async Task AnswerAsync(TcpClient client)
    {
        using (client)
        {
            try
            {
                var stream = client.GetStream();
                var buffer = new byte[16 * 1024];
                _ = await stream.ReadAsync(buffer);
                var body = Encoding.UTF8.GetBytes(Answer);
                var head = Encoding.ASCII.GetBytes($"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {body.Length}\r\nConnection: close\r\n\r\n");
                await stream.WriteAsync(head);
                await stream.WriteAsync(body);
            }
            catch (IOException)
            {
                // The app gave up on the connection first.
            }
        }
    }

    public void Dispose()
    {
        _stop.Cancel();
        _listener.Stop();
        _stop.Dispose();
    }
}
