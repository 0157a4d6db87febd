using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Logging;
using OpenIddict.Abstractions;
using OpenIddict.Server;
using static OpenIddict.Abstractions.OpenIddictConstants;
using static OpenIddict.Server.OpenIddictServerEvents;

namespace AgilePlanner.Sandbox.Authorization;

/// <summary>
/// Each client assertion (RFC 7523 section 3, <c>jti</c>) is accepted once: OpenIddict checks its signature, audience and
/// life, and this records its <c>jti</c> in the token store until it expires, shared by every instance on the database.
/// An assertion overheard on its way to the token endpoint is worth nothing afterwards.
/// </summary>
internal sealed partial class ClientAssertionReplay(IOpenIddictTokenManager tokens, TimeProvider time, ILogger<ClientAssertionReplay> logger)
    : IOpenIddictServerHandler<ProcessAuthenticationContext>
{
    /// <summary>The token type of the recorded assertions: nothing else in OpenIddict accepts it.</summary>
    public const string TokenType = "urn:agileplanner:sandbox:client_assertion";

    public static OpenIddictServerHandlerDescriptor Descriptor { get; } =
        OpenIddictServerHandlerDescriptor.CreateBuilder<ProcessAuthenticationContext>()
            .AddFilter<OpenIddictServerHandlerFilters.RequireClientAssertionPrincipal>()
            .UseScopedHandler<ClientAssertionReplay>()
            .SetOrder(OpenIddictServerHandlers.ValidateClientAssertionIssuer.Descriptor.Order + 500)
            .SetType(OpenIddictServerHandlerType.Custom)
            .Build();

    public async ValueTask HandleAsync(ProcessAuthenticationContext context)
    {
        var principal = context.ClientAssertionPrincipal!;
        var clientId = principal.GetClaim(Claims.Subject);
        var jti = principal.GetClaim(Claims.JwtId);
        var expires = principal.GetExpirationDate();
        if (string.IsNullOrEmpty(jti) || expires is null)
        {
            LogRefused(logger, clientId, "no jti or exp");
            context.Reject(Errors.InvalidClient, "The client assertion must carry a unique 'jti' and an 'exp'.");
            return;
        }

        // The store's unique reference id makes the second of two racing uses fail.
        var referenceId = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(clientId + "\n" + jti)));
        if (await tokens.FindByReferenceIdAsync(referenceId, context.CancellationToken) is not null
            || !await TryRecordAsync(referenceId, expires.Value, context.CancellationToken))
        {
            LogRefused(logger, clientId, "already used");
            context.Reject(Errors.InvalidClient, "The client assertion was already used: sign a new one, with a new 'jti', for each request.");
        }
    }

    private async Task<bool> TryRecordAsync(string referenceId, DateTimeOffset expires, CancellationToken cancellationToken)
    {
        try
        {
            await tokens.CreateAsync(new OpenIddictTokenDescriptor
            {
                CreationDate = time.GetUtcNow(),
                ExpirationDate = expires,
                ReferenceId = referenceId,
                Status = Statuses.Redeemed,
                Type = TokenType,
            }, cancellationToken);
            return true;
        }
        catch (Exception exception) when (exception is Microsoft.EntityFrameworkCore.DbUpdateException or OpenIddictExceptions.ConcurrencyException)
        {
            return false;
        }
    }

    [LoggerMessage(1, LogLevel.Information, "Sandbox client assertion of {ClientId} refused: {Reason}")]
    private static partial void LogRefused(ILogger logger, string? clientId, string reason);
}
