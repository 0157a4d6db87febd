namespace AgilePlanner.WebApp.Authentication;

/// <summary>
/// Names of the back-channel clients made by <see cref="IHttpClientFactory"/>, public so a test host can route
/// them to an in-memory server.
/// </summary>
public static class AgilePlannerHttpClients
{
    /// <summary>Token endpoint (code exchange, refresh) and revocation: 10 s timeout, no redirects, never retried.</summary>
    public const string TokenEndpoint = "AgilePlanner.TokenEndpoint";

    /// <summary>The resource API: bearer token attached, idempotent GETs retried.</summary>
    public const string Api = "AgilePlanner.Api";
}
