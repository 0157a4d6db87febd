using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;

namespace AgilePlanner.AspNetCore;

/// <summary>
/// On a back-channel call to this process (<see cref="LocalServerAddress"/>), names the public address the co-hosted provider must
/// see for its issuer to match: the one the session's tokens were obtained at, or else the current request's. Only the headers
/// carry it: the connection always goes to the listening address in the URL.
/// </summary>
internal sealed class CoHostedProviderHandler(
    LocalServerAddress server, IHttpContextAccessor httpContextAccessor, IOptionsMonitor<AgilePlannerAuthenticationOptions> options, string scheme)
    : DelegatingHandler
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        if (request.RequestUri is { } uri && server.IsOwn(uri) && httpContextAccessor.HttpContext is { } context
            && await PublicOriginAsync(context) is var (scheme, host))
        {
            request.Headers.Host = host.Value;
            // Behind a TLS-terminating proxy the public scheme is https; a co-hosted provider trusts this from loopback, as from the proxy.
            request.Headers.Remove("X-Forwarded-Proto");
            if (!string.Equals(scheme, uri.Scheme, StringComparison.OrdinalIgnoreCase))
            {
                request.Headers.TryAddWithoutValidation("X-Forwarded-Proto", scheme);
            }
        }
        return await base.SendAsync(request, cancellationToken);
    }

    private async Task<(string Scheme, HostString Host)?> PublicOriginAsync(HttpContext context)
    {
        // A hostile Host on a signed-in request must not move the session's calls to another issuer (its revocation would then revoke nothing).
        var session = await context.AuthenticateAsync(options.Get(scheme).SignInScheme);
        if (session.Properties?.Items.TryGetValue(AgilePlannerAuthenticationDefaults.PublicOriginItem, out var origin) == true
            && Uri.TryCreate(origin, UriKind.Absolute, out var stored) && stored.Scheme is "http" or "https")
        {
            return (stored.Scheme, new HostString(stored.Authority));
        }
        return (context.Request.Scheme, context.Request.Host);
    }
}
