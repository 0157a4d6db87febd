using OpenIddict.Server;
using static OpenIddict.Server.OpenIddictServerEvents;

namespace AgilePlanner.Sandbox.Authorization;

/// <summary>
/// Serves the metadata also where RFC 8414 section 3 puts it for an issuer with a path: the well-known suffix between
/// the host and <c>/sandbox</c> (<c>/.well-known/oauth-authorization-server/sandbox</c>), and the same for
/// <c>openid-configuration</c>. OpenIddict matches only endpoints under the issuer, so these two are matched here.
/// </summary>
internal sealed class PathInsertedMetadata : IOpenIddictServerHandler<ProcessRequestContext>
{
    public static OpenIddictServerHandlerDescriptor Descriptor { get; } =
        OpenIddictServerHandlerDescriptor.CreateBuilder<ProcessRequestContext>()
            .UseSingletonHandler<PathInsertedMetadata>()
            .SetOrder(OpenIddictServerHandlers.InferEndpointType.Descriptor.Order + 1)
            .SetType(OpenIddictServerHandlerType.Custom)
            .Build();

    private static readonly string[] Suffixes = [".well-known/oauth-authorization-server", ".well-known/openid-configuration"];

    /// <summary>Whether <paramref name="path"/> is one of the path-inserted metadata paths of the sandbox's issuer.</summary>
    public static bool IsMetadataPath(Microsoft.AspNetCore.Http.PathString path) =>
        Suffixes.Any(suffix => string.Equals(path.Value, "/" + suffix + SandboxIssuer.BasePath, StringComparison.Ordinal));

    public ValueTask HandleAsync(ProcessRequestContext context)
    {
        if (context is { EndpointType: OpenIddictServerEndpointType.Unknown, BaseUri.IsAbsoluteUri: true, RequestUri.IsAbsoluteUri: true }
            && Suffixes.Any(suffix => IsPathInserted(context.BaseUri, context.RequestUri, suffix)))
        {
            context.EndpointType = OpenIddictServerEndpointType.Configuration;
        }
        return default;
    }

    /// <summary>Whether <paramref name="request"/> is <c>{scheme}://{host}/{suffix}{issuer path without its final slash}</c>.</summary>
    private static bool IsPathInserted(Uri issuer, Uri request, string suffix) =>
        Uri.Compare(issuer, request, UriComponents.SchemeAndServer, UriFormat.Unescaped, StringComparison.OrdinalIgnoreCase) == 0
        && string.Equals(request.AbsolutePath, "/" + suffix + issuer.AbsolutePath.TrimEnd('/'), StringComparison.Ordinal);
}
