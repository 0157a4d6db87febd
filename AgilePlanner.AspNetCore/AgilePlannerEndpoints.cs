using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace AgilePlanner.AspNetCore;

/// <summary>
/// Turns a configured endpoint into an absolute URL: absolute endpoints are used exactly as they are; a path (a provider hosted in
/// this same app) goes on the browser's address for the browser (authorize, issuer), and on this server's own listening address
/// (<see cref="LocalServerAddress"/>) for the back channel (token, revocation, user information, API), which no request value can change.
/// </summary>
internal static class AgilePlannerEndpoints
{
    /// <summary>Whether <paramref name="endpoint"/> is a path of this app rather than a URL (<c>/x</c> parses as a file: URI on Unix).</summary>
    public static bool IsLocalPath(string? endpoint) =>
        endpoint is { Length: > 0 } && endpoint[0] == '/' && (endpoint.Length == 1 || endpoint[1] is not ('/' or '\\'));

    /// <summary>For the browser: a path goes on the request's public scheme and host (an app checks those, as the sample does with AllowedHosts).</summary>
    public static string? ForBrowser(string? endpoint, HttpRequest request) =>
        On(endpoint, $"{request.Scheme}://{request.Host.ToUriComponent()}{request.PathBase.ToUriComponent()}");

    /// <summary>For the back channel: a path goes on this server's own listening address.</summary>
    public static string? ForBackchannel(string? endpoint, HttpContext context) =>
        On(endpoint, context.RequestServices.GetRequiredService<LocalServerAddress>().Address.GetLeftPart(UriPartial.Authority) + context.Request.PathBase.ToUriComponent());

    /// <summary>For the back channel outside a request (the API client's base address): this server's own address, no path base.</summary>
    public static string? ForBackchannel(string? endpoint, LocalServerAddress server) =>
        On(endpoint, server.Address.GetLeftPart(UriPartial.Authority));

    private static string? On(string? endpoint, string baseAddress)
    {
        if (string.IsNullOrWhiteSpace(endpoint))
        {
            return null;
        }
        return IsLocalPath(endpoint) ? baseAddress + endpoint : endpoint;
    }
}
