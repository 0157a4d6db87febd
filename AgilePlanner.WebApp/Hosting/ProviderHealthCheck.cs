using System.Net.Sockets;
using AgilePlanner.AspNetCore;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace AgilePlanner.WebApp.Hosting;

/// <summary>
/// The provider's token endpoint (<c>AgilePlanner:TokenEndpoint</c>) answers at all within 2 s: any HTTP status will do,
/// since a GET without parameters is refused by design. With the endpoint left empty the provider is the sandbox in this process.
/// </summary>
public sealed class ProviderHealthCheck(IHttpClientFactory clients, IConfiguration configuration, AgilePlannerMetadataStatus metadata) : IHealthCheck
{
    /// <summary>The back-channel client of the probe, routable to a test server.</summary>
    public const string HttpClientName = "AgilePlanner.Readiness";

    public const string TokenEndpointKey = "AgilePlanner:TokenEndpoint";

    public const string IssuerKey = "AgilePlanner:Issuer";

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var configured = configuration[TokenEndpointKey];
        var issuer = configuration[IssuerKey];
        if (string.IsNullOrWhiteSpace(configured) && !string.IsNullOrWhiteSpace(issuer) && !issuer.StartsWith('/'))
        {
            // Found by its issuer: ready when its metadata can be read and used.
            try
            {
                return await metadata.ProblemAsync(cancellationToken: cancellationToken) is { } problem
                    ? HealthCheckResult.Unhealthy($"{IssuerKey}: {problem}")
                    : HealthCheckResult.Healthy($"metadata of {issuer} read");
            }
            catch (OperationCanceledException)
            {
                return HealthCheckResult.Unhealthy($"{IssuerKey}: the metadata did not answer within {HealthEndpoints.ProviderTimeout.TotalSeconds:0} s");
            }
        }
        if (string.IsNullOrWhiteSpace(configured))
        {
            return configuration.GetValue("Sandbox:Enabled", defaultValue: true)
                ? HealthCheckResult.Healthy("provider is the built-in sandbox in this process")
                : HealthCheckResult.Unhealthy($"{TokenEndpointKey} is not set");
        }
        if (!Uri.TryCreate(configured, UriKind.Absolute, out var endpoint) || (endpoint.Scheme != Uri.UriSchemeHttp && endpoint.Scheme != Uri.UriSchemeHttps))
        {
            return HealthCheckResult.Unhealthy($"{TokenEndpointKey} is not an absolute http(s) URL");
        }

        // Described by its authority only: the configured URL might carry a query with something in it.
        var where = endpoint.GetLeftPart(UriPartial.Authority);
        try
        {
            using var response = await clients.CreateClient(HttpClientName)
                .GetAsync(endpoint.GetLeftPart(UriPartial.Path), HttpCompletionOption.ResponseHeadersRead, cancellationToken);
            return HealthCheckResult.Healthy($"token endpoint at {where} answered {(int)response.StatusCode}");
        }
        catch (HttpRequestException ex)
        {
            var reason = ex.InnerException is SocketException socket ? socket.SocketErrorCode.ToString() : ex.HttpRequestError.ToString();
            return HealthCheckResult.Unhealthy($"token endpoint at {where} unreachable ({reason})");
        }
        catch (OperationCanceledException)
        {
            return HealthCheckResult.Unhealthy($"token endpoint at {where} did not answer within {HealthEndpoints.ProviderTimeout.TotalSeconds:0} s");
        }
    }
}
