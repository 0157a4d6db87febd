using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http;
using OpenIddict.Server.AspNetCore;
using OpenIddict.Validation.AspNetCore;

namespace AgilePlanner.Sandbox.Hosting;

/// <summary>
/// OpenIddict's server and validation handlers look at every request the authentication middleware sees. Outside
/// /sandbox (and the path-inserted metadata, see <see cref="Authorization.PathInsertedMetadata"/>) they have nothing
/// to do, so the web app's own pages neither start them nor pay for them.
/// </summary>
internal sealed class SandboxAuthenticationHandlers(AuthenticationHandlerProvider handlers) : IAuthenticationHandlerProvider
{
    public Task<IAuthenticationHandler?> GetHandlerAsync(HttpContext context, string authenticationScheme) =>
        IsOpenIddict(authenticationScheme)
            && !context.Request.Path.StartsWithSegments(Authorization.SandboxIssuer.BasePath, StringComparison.OrdinalIgnoreCase)
            && !Authorization.PathInsertedMetadata.IsMetadataPath(context.Request.Path)
            ? Task.FromResult<IAuthenticationHandler?>(null)
            : handlers.GetHandlerAsync(context, authenticationScheme);

    private static bool IsOpenIddict(string scheme) =>
        scheme is OpenIddictServerAspNetCoreDefaults.AuthenticationScheme or OpenIddictValidationAspNetCoreDefaults.AuthenticationScheme;
}
