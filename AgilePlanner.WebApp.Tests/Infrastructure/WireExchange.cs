namespace AgilePlanner.WebApp.Tests.Infrastructure;

/// <summary>One back-channel request as it left the app, and its answer.</summary>
public sealed record WireExchange(string Method, Uri Uri, string? Host, string? Authorization, string RequestBody, int Status, string ResponseBody);
