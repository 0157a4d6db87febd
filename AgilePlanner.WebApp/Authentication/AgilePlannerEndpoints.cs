namespace AgilePlanner.WebApp.Authentication;

/// <summary>
/// Turns a configured endpoint into an absolute URL for this request: absolute endpoints are used as they are,
/// relative ones (the sandbox's) are put on the app's own address, whatever host and port it runs on.
/// </summary>
public static class AgilePlannerEndpoints
{
    public static string? Resolve(string? endpoint, HttpRequest request)
    {
        if (string.IsNullOrWhiteSpace(endpoint))
        {
            return null;
        }

        if (Uri.TryCreate(endpoint, UriKind.Absolute, out var absolute) && (absolute.Scheme == Uri.UriSchemeHttp || absolute.Scheme == Uri.UriSchemeHttps))
        {
            return endpoint;
        }

        return $"{request.Scheme}://{request.Host.ToUriComponent()}{request.PathBase.ToUriComponent()}{endpoint}";
    }

    public static string Authorization(AgilePlannerAuthenticationOptions options, HttpRequest request) =>
        Resolve(options.AuthorizationEndpoint, request)!;

    public static string Token(AgilePlannerAuthenticationOptions options, HttpRequest request) =>
        Resolve(options.TokenEndpoint, request)!;

    public static string? Revocation(AgilePlannerAuthenticationOptions options, HttpRequest request) =>
        Resolve(options.RevocationEndpoint, request);

    public static string? Issuer(AgilePlannerAuthenticationOptions options, HttpRequest request) =>
        Resolve(options.Issuer, request);

    public static Uri Api(AgilePlannerAuthenticationOptions options, HttpRequest request) =>
        new(Resolve(options.ApiBaseUrl, request)!);
}
