using Microsoft.AspNetCore.Http;
using OpenIddict.Server;
using OpenIddict.Server.AspNetCore;
using OpenIddict.Validation;
using OpenIddict.Validation.AspNetCore;

namespace AgilePlanner.Sandbox.Authorization;

/// <summary>
/// Makes the issuer <c>{scheme}://{host}/sandbox/</c> for the request's public address: OpenIddict takes the request's
/// base address as its base URI, and the sandbox's endpoints are relative to <c>/sandbox/</c>. The host is trusted by
/// then: the web app's AllowedHostsMiddleware has refused any host that is not the public address or a loopback name,
/// so neither the issuer nor the metadata can name another. The validation side needs the same base, or it would
/// reject the tokens the server issued.
/// </summary>
internal static class SandboxIssuer
{
    public const string BasePath = "/sandbox";

    public static Uri ForBase(Uri baseUri) =>
        new(baseUri, baseUri.AbsolutePath.TrimEnd('/') + BasePath + "/");

    public static OpenIddictServerHandlerDescriptor ServerHandler { get; } =
        OpenIddictServerHandlerDescriptor.CreateBuilder<OpenIddictServerEvents.ProcessRequestContext>()
            .UseSingletonHandler<ServerBaseUri>()
            .SetOrder(OpenIddictServerAspNetCoreHandlers.ResolveRequestUri.Descriptor.Order + 1)
            .SetType(OpenIddictServerHandlerType.Custom)
            .Build();

    public static OpenIddictValidationHandlerDescriptor ValidationHandler { get; } =
        OpenIddictValidationHandlerDescriptor.CreateBuilder<OpenIddictValidationEvents.ProcessRequestContext>()
            .UseSingletonHandler<ValidationBaseUri>()
            .SetOrder(OpenIddictValidationAspNetCoreHandlers.ResolveRequestUri.Descriptor.Order + 1)
            .SetType(OpenIddictValidationHandlerType.Custom)
            .Build();

    private sealed class ServerBaseUri : IOpenIddictServerHandler<OpenIddictServerEvents.ProcessRequestContext>
    {
        public ValueTask HandleAsync(OpenIddictServerEvents.ProcessRequestContext context)
        {
            if (context.BaseUri is { IsAbsoluteUri: true } baseUri)
            {
                context.BaseUri = ForBase(baseUri);
            }
            return default;
        }
    }

    private sealed class ValidationBaseUri : IOpenIddictValidationHandler<OpenIddictValidationEvents.ProcessRequestContext>
    {
        public ValueTask HandleAsync(OpenIddictValidationEvents.ProcessRequestContext context)
        {
            if (context.BaseUri is { IsAbsoluteUri: true } baseUri)
            {
                context.BaseUri = ForBase(baseUri);
            }
            return default;
        }
    }

    /// <summary>The issuer as a page or test would compute it for a request.</summary>
    public static string For(HttpRequest request) => $"{request.Scheme}://{request.Host}{request.PathBase}{BasePath}/";
}
