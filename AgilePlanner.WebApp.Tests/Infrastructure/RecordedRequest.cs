namespace AgilePlanner.WebApp.Tests.Infrastructure;

/// <summary>One request as it crossed the wire to the provider.</summary>
public sealed record RecordedRequest(string Method, Uri Uri, string? Authorization, string Body, IReadOnlyDictionary<string, string> Form)
{
    /// <summary>The ETags a conditional GET sent in <c>If-None-Match</c>.</summary>
    public IReadOnlyList<string> IfNoneMatch { get; init; } = [];
}
