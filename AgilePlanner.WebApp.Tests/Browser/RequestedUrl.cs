namespace AgilePlanner.WebApp.Tests.Browser;

/// <summary>A URL the browser requested, and the Referer it sent with it.</summary>
public sealed record RequestedUrl(string Url, string? Referer);
