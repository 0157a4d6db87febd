using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.IdentityModel.Tokens;
using OpenIddict.Abstractions;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace AgilePlanner.Sandbox.Authorization;

/// <summary>
/// The authorization requests waiting on a consent page: a server-side copy of each, kept in OpenIddict's token store
/// (shared by every instance on the database) under a random handle, bound to the signed-in user, valid for a few
/// minutes and redeemed by the first decision. The consent form carries the handle only, so no parameter of the
/// request can become a field of the decision.
/// </summary>
internal sealed class PendingConsents(IOpenIddictTokenManager tokens, TimeProvider time)
{
    /// <summary>The consent form's one field besides the antiforgery token and the button.</summary>
    public const string FieldName = "consent";

    /// <summary>The token type of the stored requests: nothing else in OpenIddict accepts it.</summary>
    public const string TokenType = "urn:agileplanner:sandbox:pending_consent";

    public static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(10);

    /// <summary>Keeps <paramref name="request"/> for <paramref name="userId"/>; returns the handle for the form.</summary>
    public async Task<string> CreateAsync(OpenIddictRequest request, string userId, string? applicationId, CancellationToken cancellationToken)
    {
        var handle = Base64UrlEncoder.Encode(RandomNumberGenerator.GetBytes(32));
        var now = time.GetUtcNow();
        await tokens.CreateAsync(new OpenIddictTokenDescriptor
        {
            ApplicationId = applicationId,
            CreationDate = now,
            ExpirationDate = now + Lifetime,
            Payload = JsonSerializer.Serialize(request),
            ReferenceId = handle,
            Status = Statuses.Valid,
            Subject = userId,
            Type = TokenType,
        }, cancellationToken);
        return handle;
    }

    /// <summary>The stored request behind <paramref name="handle"/>, whoever it belongs to and whatever its state; null if none.</summary>
    public async Task<PendingConsent?> FindAsync(string? handle, CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(handle) || handle.Length > 100
            || await tokens.FindByReferenceIdAsync(handle, cancellationToken) is not { } token
            || !await tokens.HasTypeAsync(token, TokenType, cancellationToken)
            || await tokens.GetPayloadAsync(token, cancellationToken) is not { Length: > 0 } payload)
        {
            return null;
        }

        return new PendingConsent(
            token,
            new OpenIddictRequest(JsonSerializer.Deserialize<JsonElement>(payload)),
            await tokens.GetSubjectAsync(token, cancellationToken));
    }

    /// <summary>
    /// Whether <paramref name="consent"/> may be decided now by <paramref name="userId"/>, marking it used if so: its
    /// own user, not expired, and not decided before (the store's concurrency check makes one of two racing posts lose).
    /// </summary>
    public async Task<bool> TryRedeemAsync(PendingConsent consent, string userId, CancellationToken cancellationToken) =>
        consent.UserId == userId
        && await tokens.GetExpirationDateAsync(consent.Token, cancellationToken) is { } expires
        && expires > time.GetUtcNow()
        && await tokens.HasStatusAsync(consent.Token, Statuses.Valid, cancellationToken)
        && await tokens.TryRedeemAsync(consent.Token, cancellationToken);

    /// <summary>Whether <paramref name="consent"/> is still open for <paramref name="userId"/>, without using it.</summary>
    public async Task<bool> IsOpenAsync(PendingConsent consent, string userId, CancellationToken cancellationToken) =>
        consent.UserId == userId
        && await tokens.GetExpirationDateAsync(consent.Token, cancellationToken) is { } expires
        && expires > time.GetUtcNow()
        && await tokens.HasStatusAsync(consent.Token, Statuses.Valid, cancellationToken);
}
