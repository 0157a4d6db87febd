namespace AgilePlanner.WebApp.Tests.Infrastructure;

public sealed record IssuedTokens(string AccessToken, string RefreshToken);
