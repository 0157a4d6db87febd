using OpenIddict.Abstractions;

namespace AgilePlanner.Sandbox.Authorization;

/// <summary>A stored authorization request, its user, and the store's entry for it.</summary>
internal sealed record PendingConsent(object Token, OpenIddictRequest Request, string? UserId);
