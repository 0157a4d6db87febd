namespace AgilePlanner.AspNetCore;

/// <summary>Tokens from a successful token response (RFC 6749 section 5.1).</summary>
internal sealed record TokenSet(string AccessToken, string? RefreshToken, string TokenType, int? ExpiresIn, string? Scope);
