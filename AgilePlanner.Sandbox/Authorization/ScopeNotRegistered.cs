using OpenIddict.Abstractions;
using OpenIddict.Server;
using static OpenIddict.Abstractions.OpenIddictConstants;
using static OpenIddict.Server.OpenIddictServerEvents;

namespace AgilePlanner.Sandbox.Authorization;

/// <summary>
/// A scope the client's registration does not include answers <c>invalid_scope</c> (RFC 6749 section 4.1.2.1, and the
/// contract), naming the scope and where to add it; OpenIddict's own check, which runs after this one, says <c>invalid_request</c>.
/// </summary>
internal sealed class ScopeNotRegistered(IOpenIddictApplicationManager applications) : IOpenIddictServerHandler<ValidateAuthorizationRequestContext>
{
    public static OpenIddictServerHandlerDescriptor Descriptor { get; } =
        OpenIddictServerHandlerDescriptor.CreateBuilder<ValidateAuthorizationRequestContext>()
            .UseScopedHandler<ScopeNotRegistered>()
            .SetOrder(OpenIddictServerHandlers.Authentication.ValidateScopePermissions.Descriptor.Order - 1)
            .SetType(OpenIddictServerHandlerType.Custom)
            .Build();

    public async ValueTask HandleAsync(ValidateAuthorizationRequestContext context)
    {
        if (string.IsNullOrEmpty(context.ClientId)
            || await applications.FindByClientIdAsync(context.ClientId, context.CancellationToken) is not { } application)
        {
            return;
        }

        foreach (var scope in context.Request.GetScopes())
        {
            if (scope is not Scopes.OpenId and not Scopes.OfflineAccess
                && !await applications.HasPermissionAsync(application, Permissions.Prefixes.Scope + scope, context.CancellationToken))
            {
                context.Reject(
                    error: Errors.InvalidScope,
                    description: $"The application's registration does not include the '{scope}' scope: register the application with it in the developer portal (/sandbox/developers), or ask for fewer scopes.");
                return;
            }
        }
    }
}
