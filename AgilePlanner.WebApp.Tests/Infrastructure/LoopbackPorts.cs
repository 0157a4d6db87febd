using System.Net;
using System.Net.Sockets;

namespace AgilePlanner.WebApp.Tests.Infrastructure;

public static class LoopbackPorts
{
    /// <summary>A loopback port the system has just handed out and taken back: free to listen on, refused until then.</summary>
    public static int Free()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
