using AgilePlanner.Api;
using Microsoft.AspNetCore.Http;

namespace AgilePlanner.AspNetCore;

/// <summary>
/// The endpoints of a request: set explicitly, they win; with only <see cref="AgilePlannerAuthenticationOptions.Issuer"/> set they
/// come from the provider's metadata (<see cref="ProviderMetadataManager"/>). A co-hosted provider (issuer and endpoints as paths)
/// is asked for its metadata too, for whether it requires pushed requests; its URLs become paths again, so the back channel keeps
/// going to this server's own address. The metadata is never read from an address a request names.
/// </summary>
internal sealed class ProviderResolver(ProviderMetadataManager metadata, Microsoft.Extensions.Logging.ILogger<ProviderResolver> logger)
{
    /// <summary>The issuers already warned about for a client authentication method they do not list: once each, not on every request.</summary>
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, bool> _warned = new(StringComparer.Ordinal);

    /// <summary>The endpoints, or the problem the setting <c>Issuer</c> has (never thrown).</summary>
    public async Task<(ResolvedProvider? Provider, string? Problem)> ResolveAsync(AgilePlannerAuthenticationOptions options, HttpContext context, CancellationToken cancellationToken)
    {
        var explicitPush = options.PushedAuthorization == AgilePlannerPushedAuthorization.Disable ? null : options.PushedAuthorizationEndpoint;
        var configured = new ResolvedProvider(
            options.AuthorizationEndpoint, options.TokenEndpoint, options.RevocationEndpoint, explicitPush,
            PushRequired: options.PushedAuthorization == AgilePlannerPushedAuthorization.Require,
            IssuerRequired: !string.IsNullOrWhiteSpace(options.Issuer));
        if (string.IsNullOrWhiteSpace(options.Issuer))
        {
            return (configured, null);
        }

        var discover = string.IsNullOrWhiteSpace(options.AuthorizationEndpoint) || string.IsNullOrWhiteSpace(options.TokenEndpoint);
        var coHosted = AgilePlannerEndpoints.IsLocalPath(options.Issuer);
        if (!discover && !(coHosted && options.PushedAuthorization != AgilePlannerPushedAuthorization.Disable))
        {
            return (configured, null);
        }

        var expected = AgilePlannerEndpoints.ForBrowser(options.Issuer, context.Request)!;
        var fetchFrom = new Uri(coHosted ? AgilePlannerEndpoints.ForBackchannel(options.Issuer, context)! : options.Issuer);
        var result = await metadata.GetAsync(expected, fetchFrom, options.MetadataRefreshInterval, options.BackchannelTimeout, cancellationToken);
        if (result.Metadata is not { } found)
        {
            // Explicit endpoints work without the metadata of a co-hosted provider.
            if (discover)
            {
                logger.MetadataUnavailable(expected, result.Problem!);
                return (null, result.Problem);
            }
            return (configured, null);
        }

        var method = ClientAuthenticationMethods.WireName(options.ClientAuthentication);
        if (found.TokenEndpointAuthMethods.Count > 0 && !found.TokenEndpointAuthMethods.Contains(method, StringComparer.Ordinal)
            && _warned.Count < 32 && _warned.TryAdd(expected + " " + method, true))
        {
            logger.ClientAuthenticationNotListed(expected, method, string.Join(' ', found.TokenEndpointAuthMethods.Select(m => ProviderText.Code(m) ?? "?")));
        }

        var local = coHosted ? AgilePlannerEndpoints.ForBrowser("/", context.Request)!.TrimEnd('/') : null;
        string? Own(string? endpoint) =>
            local is not null && endpoint is not null && endpoint.StartsWith(local + "/", StringComparison.Ordinal) ? endpoint[local.Length..] : endpoint;

        var pushRequired = configured.PushRequired
            || (found.RequirePushedAuthorization && options.PushedAuthorization != AgilePlannerPushedAuthorization.Disable);
        if (!discover)
        {
            // Explicit endpoints: the metadata only says whether the provider requires a push, and where to push.
            return (configured with
            {
                PushedAuthorizationEndpoint = explicitPush ?? (pushRequired ? Own(found.PushedAuthorizationEndpoint) : null),
                PushRequired = pushRequired,
            }, null);
        }

        return (new ResolvedProvider(
            NonEmpty(options.AuthorizationEndpoint) ?? Own(found.AuthorizationEndpoint),
            NonEmpty(options.TokenEndpoint) ?? Own(found.TokenEndpoint),
            NonEmpty(options.RevocationEndpoint) ?? Own(found.RevocationEndpoint),
            options.PushedAuthorization == AgilePlannerPushedAuthorization.Disable ? null : explicitPush ?? Own(found.PushedAuthorizationEndpoint),
            pushRequired,
            IssuerRequired: found.IssParameterSupported), null);
    }

    private static string? NonEmpty(string? value) => string.IsNullOrWhiteSpace(value) ? null : value;
}
