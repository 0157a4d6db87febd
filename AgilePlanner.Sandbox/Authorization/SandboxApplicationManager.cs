using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OpenIddict.Abstractions;
using OpenIddict.Core;
using OpenIddict.EntityFrameworkCore.Models;

namespace AgilePlanner.Sandbox.Authorization;

/// <summary>OpenIddict's application manager with the sandbox's redirect URI rule (<see cref="RedirectUriMatch"/>).</summary>
internal sealed class SandboxApplicationManager(
    IOpenIddictApplicationCache<OpenIddictEntityFrameworkCoreApplication> cache,
    ILogger<OpenIddictApplicationManager<OpenIddictEntityFrameworkCoreApplication>> logger,
    IOptionsMonitor<OpenIddictCoreOptions> options,
    IOpenIddictApplicationStore<OpenIddictEntityFrameworkCoreApplication> store)
    : OpenIddictApplicationManager<OpenIddictEntityFrameworkCoreApplication>(cache, logger, options, store)
{
    public override async ValueTask<bool> ValidateRedirectUriAsync(
        OpenIddictEntityFrameworkCoreApplication application, string uri, CancellationToken cancellationToken = default)
    {
        foreach (var registered in await GetRedirectUrisAsync(application, cancellationToken))
        {
            if (RedirectUriMatch.Matches(registered, uri))
            {
                return true;
            }
        }
        return false;
    }
}
