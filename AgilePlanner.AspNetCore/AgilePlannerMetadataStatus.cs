using Microsoft.Extensions.Options;

namespace AgilePlanner.AspNetCore;

/// <summary>
/// For readiness checks: whether the metadata (RFC 8414) of a provider configured by its issuer alone can be read and used.
/// Read through the same cache as sign-ins, so a check does not add load on the provider.
/// </summary>
public sealed class AgilePlannerMetadataStatus
{
    private readonly ProviderMetadataManager _manager;
    private readonly IOptionsMonitor<AgilePlannerAuthenticationOptions> _options;

    internal AgilePlannerMetadataStatus(ProviderMetadataManager manager, IOptionsMonitor<AgilePlannerAuthenticationOptions> options)
    {
        _manager = manager;
        _options = options;
    }

    /// <summary>
    /// Null when the scheme's metadata is readable and usable, or not needed (endpoints set explicitly, or a provider hosted in
    /// this app, which is only reachable within a request); otherwise why not, safe to show (no secret, provider text cleaned).
    /// </summary>
    /// <param name="scheme">The scheme's name.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The problem, or null.</returns>
    public async Task<string?> ProblemAsync(string scheme = AgilePlannerAuthenticationDefaults.AuthenticationScheme, CancellationToken cancellationToken = default)
    {
        var options = _options.Get(scheme);
        if (string.IsNullOrWhiteSpace(options.Issuer) || AgilePlannerEndpoints.IsLocalPath(options.Issuer)
            || (!string.IsNullOrWhiteSpace(options.AuthorizationEndpoint) && !string.IsNullOrWhiteSpace(options.TokenEndpoint)))
        {
            return null;
        }
        var result = await _manager.GetAsync(options.Issuer, new Uri(options.Issuer), options.MetadataRefreshInterval, options.BackchannelTimeout, cancellationToken);
        return result.Problem;
    }
}
