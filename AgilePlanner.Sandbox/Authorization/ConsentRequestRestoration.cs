using Microsoft.AspNetCore;
using OpenIddict.Server;
using OpenIddict.Server.AspNetCore;
using static OpenIddict.Server.OpenIddictServerEvents;

namespace AgilePlanner.Sandbox.Authorization;

/// <summary>
/// A consent form posts only the handle of its stored request (<see cref="PendingConsents"/>): OpenIddict then
/// validates that stored request, exactly as it arrived at the consent page, instead of the posted fields. Whatever
/// else the post holds is never part of the authorization request.
/// </summary>
internal sealed class ConsentRequestRestoration(PendingConsents consents) : IOpenIddictServerHandler<ExtractAuthorizationRequestContext>
{
    public static OpenIddictServerHandlerDescriptor Descriptor { get; } =
        OpenIddictServerHandlerDescriptor.CreateBuilder<ExtractAuthorizationRequestContext>()
            .UseScopedHandler<ConsentRequestRestoration>()
            .SetOrder(OpenIddictServerAspNetCoreHandlers.ExtractGetOrPostRequest<ExtractAuthorizationRequestContext>.Descriptor.Order + 1)
            .SetType(OpenIddictServerHandlerType.Custom)
            .Build();

    private static readonly object RestoredKey = new();

    /// <summary>The stored request this post was restored from, or null when its handle named none.</summary>
    public static PendingConsent? Restored(Microsoft.AspNetCore.Http.HttpContext context) =>
        context.Items.TryGetValue(RestoredKey, out var consent) ? consent as PendingConsent : null;

    public async ValueTask HandleAsync(ExtractAuthorizationRequestContext context)
    {
        if (context.Transaction.GetHttpRequest() is not { } http || !Microsoft.AspNetCore.Http.HttpMethods.IsPost(http.Method))
        {
            return;
        }

        var handle = (string?)context.Request?[PendingConsents.FieldName];
        if (await consents.FindAsync(handle, context.CancellationToken) is { } consent)
        {
            context.Request = consent.Request;
            http.HttpContext.Items[RestoredKey] = consent;
        }
    }
}
