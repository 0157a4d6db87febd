namespace AgilePlanner.WebApp.Tests.Scale;

/// <summary>One answer the browser received, and the instance (app1, app2, ...) that served it.</summary>
public sealed record ServedAnswer(string Method, string Path, int Status, string? ServedBy);
