using System.Collections.Concurrent;
using System.Text;
using AgilePlanner.WebApp.Authentication;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;

namespace AgilePlanner.WebApp.Tests.Infrastructure;

/// <summary>
/// The web app with its in-process sandbox, its back channel (token endpoint, API) routed to the in-memory server
/// and recorded as it crosses the wire.
/// </summary>
public sealed class SandboxAppFactory : AgilePlannerAppFactory
{
    private readonly ConcurrentQueue<WireExchange> _exchanges = new();

    /// <summary>Every back-channel exchange, with both bodies.</summary>
    public IReadOnlyCollection<WireExchange> BackChannel => _exchanges;

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.ConfigureTestServices(services =>
        {
            foreach (var name in new[] { AgilePlannerHttpClients.TokenEndpoint, AgilePlannerHttpClients.Api })
            {
                services.AddHttpClient(name).ConfigurePrimaryHttpMessageHandler(() => new Recorder(Server.CreateHandler(), _exchanges));
            }
        });
    }

    private sealed class Recorder(HttpMessageHandler inner, ConcurrentQueue<WireExchange> exchanges) : DelegatingHandler(inner)
    {
        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var requestBody = request.Content is null ? string.Empty : await request.Content.ReadAsStringAsync(cancellationToken);
            var response = await base.SendAsync(request, cancellationToken);
            var body = await response.Content.ReadAsStringAsync(cancellationToken);
            var copy = new StringContent(body, Encoding.UTF8);
            copy.Headers.Clear();
            foreach (var header in response.Content.Headers)
            {
                copy.Headers.TryAddWithoutValidation(header.Key, header.Value);
            }
            response.Content = copy;
            exchanges.Enqueue(new WireExchange(request.Method.Method, request.RequestUri!, request.Headers.Authorization?.ToString(), requestBody, (int)response.StatusCode, body));
            return response;
        }
    }
}

/// <summary>One back-channel request and its answer.</summary>
public sealed record WireExchange(string Method, Uri Uri, string? Authorization, string RequestBody, int Status, string ResponseBody);
