using AgilePlanner.WebApp.Authentication;
using Microsoft.AspNetCore.Authentication;

namespace AgilePlanner.WebApp.Hosting;

/// <summary>
/// On a back-channel call to this process (<see cref="SandboxBackChannel"/>), names the public address the sandbox must see
/// for its issuer to match: the one the session's tokens were obtained at, or else the current request's (checked by
/// <see cref="AllowedHostsMiddleware"/>). Only the headers carry it: the connection always goes to the listening address in the URL.
/// </summary>
public sealed class SandboxBackChannelHandler(SandboxBackChannel backChannel, AllowedHosts allowedHosts, IHttpContextAccessor httpContextAccessor)
    : DelegatingHandler
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        if (request.RequestUri is { } uri && backChannel.IsOwn(uri) && httpContextAccessor.HttpContext is { } context
            && await PublicOriginAsync(context) is var (scheme, host))
        {
            request.Headers.Host = host.Value;
            // Behind a TLS-terminating proxy the public scheme is https; the sandbox trusts this from loopback, as from the proxy.
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
        var session = await context.AuthenticateAsync(AgilePlannerAuthenticationDefaults.SessionScheme);
        if (session.Properties?.Items.TryGetValue(AgilePlannerAuthenticationDefaults.PublicOriginItem, out var origin) == true
            && Uri.TryCreate(origin, UriKind.Absolute, out var stored) && stored.Scheme is "http" or "https"
            && new HostString(stored.Authority) is var storedHost && AllowedHosts.IsWellFormed(storedHost) && allowedHosts.Allows(storedHost))
        {
            return (stored.Scheme, storedHost);
        }
        return (context.Request.Scheme, context.Request.Host);
    }
}
