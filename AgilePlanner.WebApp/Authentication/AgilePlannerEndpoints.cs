using AgilePlanner.WebApp.Hosting;

namespace AgilePlanner.WebApp.Authentication;

/// <summary>
/// Turns a configured endpoint into an absolute URL for this request: absolute endpoints are used exactly as they are;
/// relative ones (the sandbox's) are put on the app's public address for the browser (authorize, issuer) and on the
/// server's own listening address for the back channel (token, revocation, API), which no request value can change.
/// </summary>
public static class AgilePlannerEndpoints
{
    /// <summary>For the browser: a relative endpoint on the request's public scheme and host (checked by <see cref="AllowedHostsMiddleware"/>).</summary>
    public static string? Resolve(string? endpoint, HttpRequest request) =>
        Resolve(endpoint, $"{request.Scheme}://{request.Host.ToUriComponent()}{request.PathBase.ToUriComponent()}");

    public static string Authorization(AgilePlannerAuthenticationOptions options, HttpRequest request) =>
        Resolve(options.AuthorizationEndpoint, request)!;

    public static string Token(AgilePlannerAuthenticationOptions options, HttpRequest request) =>
        BackChannel(options.TokenEndpoint, request)!;

    public static string? Revocation(AgilePlannerAuthenticationOptions options, HttpRequest request) =>
        BackChannel(options.RevocationEndpoint, request);

    public static string? Issuer(AgilePlannerAuthenticationOptions options, HttpRequest request) =>
        Resolve(options.Issuer, request);

    public static Uri Api(AgilePlannerAuthenticationOptions options, HttpRequest request) =>
        new(BackChannel(options.ApiBaseUrl, request)!);

    private static string? BackChannel(string? endpoint, HttpRequest request) =>
        Resolve(endpoint, request.HttpContext.RequestServices.GetRequiredService<SandboxBackChannel>().Address.GetLeftPart(UriPartial.Authority) + request.PathBase.ToUriComponent());

    private static string? Resolve(string? endpoint, string baseAddress)
    {
        if (string.IsNullOrWhiteSpace(endpoint))
        {
            return null;
        }

        if (Uri.TryCreate(endpoint, UriKind.Absolute, out var absolute) && (absolute.Scheme == Uri.UriSchemeHttp || absolute.Scheme == Uri.UriSchemeHttps))
        {
            return endpoint;
        }

        return baseAddress + endpoint;
    }
}
