using OpenIddict.Abstractions;
using OpenIddict.Server;
using static OpenIddict.Server.OpenIddictServerEvents;

namespace AgilePlanner.Sandbox.Authorization;

/// <summary>
/// The contract answers every code and refresh grant with a refresh token; OpenIddict would only do so for
/// the OpenID Connect <c>offline_access</c> scope, which plain OAuth 2 clients never ask for.
/// </summary>
internal sealed class RefreshTokensWithoutOfflineAccess : IOpenIddictServerHandler<ProcessSignInContext>
{
    public static OpenIddictServerHandlerDescriptor Descriptor { get; } =
        OpenIddictServerHandlerDescriptor.CreateBuilder<ProcessSignInContext>()
            .UseSingletonHandler<RefreshTokensWithoutOfflineAccess>()
            .SetOrder(OpenIddictServerHandlers.EvaluateGeneratedTokens.Descriptor.Order + 1)
            .SetType(OpenIddictServerHandlerType.Custom)
            .Build();

    public ValueTask HandleAsync(ProcessSignInContext context)
    {
        if (context.EndpointType == OpenIddictServerEndpointType.Token
            && (context.Request.IsAuthorizationCodeGrantType() || context.Request.IsRefreshTokenGrantType()))
        {
            context.GenerateRefreshToken = true;
            context.IncludeRefreshToken = true;
        }
        return default;
    }
}
