using Microsoft.Extensions.Options;

namespace AgilePlanner.WebApp.Authentication;

/// <summary>
/// Fills what the configuration left empty: with the sandbox on, endpoints become the sandbox's paths
/// (resolved against the app's own address per request); any endpoint that is set wins.
/// </summary>
public sealed class AgilePlannerPostConfigureOptions(IHttpClientFactory httpClientFactory)
    : IPostConfigureOptions<AgilePlannerAuthenticationOptions>
{
    public void PostConfigure(string? name, AgilePlannerAuthenticationOptions options)
    {
        if (options.UseSandboxDefaults)
        {
            // The sandbox's issuer is only assumed when its authorize endpoint is used too.
            if (string.IsNullOrWhiteSpace(options.AuthorizationEndpoint))
            {
                options.AuthorizationEndpoint = AgilePlannerAuthenticationDefaults.SandboxAuthorizationEndpoint;
                if (string.IsNullOrWhiteSpace(options.Issuer))
                {
                    options.Issuer = AgilePlannerAuthenticationDefaults.SandboxIssuer;
                }
            }

            if (string.IsNullOrWhiteSpace(options.TokenEndpoint))
            {
                options.TokenEndpoint = AgilePlannerAuthenticationDefaults.SandboxTokenEndpoint;
                if (string.IsNullOrWhiteSpace(options.RevocationEndpoint))
                {
                    options.RevocationEndpoint = AgilePlannerAuthenticationDefaults.SandboxRevocationEndpoint;
                }
            }

            if (string.IsNullOrWhiteSpace(options.ApiBaseUrl))
            {
                options.ApiBaseUrl = AgilePlannerAuthenticationDefaults.SandboxApiBaseUrl;
            }
        }

        if (!string.IsNullOrEmpty(options.ApiBaseUrl) && !options.ApiBaseUrl.EndsWith('/'))
        {
            options.ApiBaseUrl += "/";
        }

        // The framework's own back-channel is never left as an unmanaged HttpClient.
        options.Backchannel ??= httpClientFactory.CreateClient(AgilePlannerHttpClients.TokenEndpoint);
    }
}
