using System.Collections.Concurrent;
using System.Net;
using System.Text;

namespace AgilePlanner.WebApp.Tests.Infrastructure;

/// <summary>
/// A real OTLP/HTTP endpoint on a free loopback port: accepts <c>POST /v1/traces</c>, <c>/v1/metrics</c> and <c>/v1/logs</c>, keeps
/// every body as it arrived (protobuf, unparsed) and answers 200 with an empty export response.
/// </summary>
public sealed class OtlpListener : IDisposable
{
    private readonly HttpListener _listener = new();
    private readonly ConcurrentQueue<(string Path, byte[] Body)> _exports = new();
    private readonly Task _loop;

    public OtlpListener()
    {
        Port = LoopbackPorts.Free();
        _listener.Prefixes.Add($"http://127.0.0.1:{Port}/");
        _listener.Start();
        _loop = Task.Run(ServeAsync);
    }

    public int Port { get; }

    public string Endpoint => $"http://127.0.0.1:{Port}";

    public IReadOnlyList<(string Path, byte[] Body)> Exports => [.. _exports];

    /// <summary>Every byte received on <paramref name="path"/>, read as UTF-8 (protobuf keeps strings as UTF-8 bytes).</summary>
    public string Text(string path) =>
        string.Concat(Exports.Where(e => e.Path == path).Select(e => Encoding.UTF8.GetString(e.Body)));

    private async Task ServeAsync()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync();
            }
            catch (Exception exception) when (exception is HttpListenerException or ObjectDisposedException or InvalidOperationException)
            {
                return;
            }
            using var body = new MemoryStream();
            await context.Request.InputStream.CopyToAsync(body);
            var path = context.Request.Url!.AbsolutePath;
            if (context.Request.HttpMethod == "POST" && path is "/v1/traces" or "/v1/metrics" or "/v1/logs")
            {
                _exports.Enqueue((path, body.ToArray()));
                context.Response.StatusCode = 200;
                context.Response.ContentType = "application/x-protobuf";
            }
            else
            {
                context.Response.StatusCode = 404;
            }
            context.Response.Close();
        }
    }

    public void Dispose()
    {
        _listener.Stop();
        _listener.Close();
        _loop.Wait(TimeSpan.FromSeconds(5));
    }
}
