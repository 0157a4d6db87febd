using AgilePlanner.Api;
using AgilePlanner.AspNetCore;
using Microsoft.Extensions.DependencyInjection;

namespace AgilePlanner.WebApp.Tests.Infrastructure;

/// <summary>
/// Takes parts of the provider down for a test. Installed as the innermost handler of both back-channel clients
/// (<see cref="Install"/> via <see cref="AgilePlannerAppFactory.ConfigureTestServices"/>), so the app's own timeouts,
/// retries and circuit breaker all see the fault; a request that fails here never reaches the double.
/// </summary>
public sealed class ProviderOutage
{
    private static readonly Lazy<Uri> ClosedPort = new(FindClosedPort);
    private static readonly HttpMessageInvoker RealHandler = new(new SocketsHttpHandler { UseProxy = false });

    private int _refused;
    private int _hanging;
    private int _hung;

    public Outage Token { get; set; }

    public Outage Revocation { get; set; }

    public Outage Api { get; set; }

    /// <summary>Connections refused so far.</summary>
    public int Refused => Volatile.Read(ref _refused);

    /// <summary>Requests that hung so far (each counts once it has arrived).</summary>
    public int Hung => Volatile.Read(ref _hung);

    /// <summary>Requests hanging right now.</summary>
    public int Hanging => Volatile.Read(ref _hanging);

    /// <summary>Every part of the provider back up.</summary>
    public void End() => Token = Revocation = Api = Outage.None;

    public void Install(IServiceCollection services)
    {
        services.AddHttpClient(AgilePlannerAuthenticationDefaults.BackchannelHttpClientName).AddHttpMessageHandler(() => new FaultHandler(this));
        services.AddHttpClient(AgilePlannerApiClient.HttpClientName).AddHttpMessageHandler(() => new FaultHandler(this));
    }

    /// <summary>Waits until <paramref name="count"/> requests in all have hung.</summary>
    public async Task WaitForHungAsync(int count)
    {
        while (Hung < count)
        {
            await Task.Delay(5, TestContext.Current.CancellationToken);
        }
    }

    private Outage For(Uri uri) => uri.AbsolutePath switch
    {
        "/oauth/token" => Token,
        "/oauth/revoke" => Revocation,
        var path when path.StartsWith("/api/v1/", StringComparison.Ordinal) => Api,
        _ => Outage.None,
    };

    /// <summary>A loopback port that nothing listens on: bound by the system, then released.</summary>
    private static Uri FindClosedPort() => new($"http://127.0.0.1:{LoopbackPorts.Free()}/");

    private sealed class FaultHandler(ProviderOutage outage) : DelegatingHandler
    {
        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            switch (outage.For(request.RequestUri!))
            {
                case Outage.Refused:
                    Interlocked.Increment(ref outage._refused);
                    using (var refused = new HttpRequestMessage(request.Method, ClosedPort.Value))
                    {
                        using var answer = await RealHandler.SendAsync(refused, cancellationToken);
                        throw new InvalidOperationException($"Something answered {answer.StatusCode} on {ClosedPort.Value}, which should be closed.");
                    }
                case Outage.Hanging:
                    Interlocked.Increment(ref outage._hanging);
                    Interlocked.Increment(ref outage._hung);
                    try
                    {
                        await Task.Delay(Timeout.Infinite, cancellationToken);
                        throw new InvalidOperationException("unreachable");
                    }
                    finally
                    {
                        Interlocked.Decrement(ref outage._hanging);
                    }
                default:
                    return await base.SendAsync(request, cancellationToken);
            }
        }
    }
}
