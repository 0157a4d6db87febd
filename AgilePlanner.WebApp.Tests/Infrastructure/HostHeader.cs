namespace AgilePlanner.WebApp.Tests.Infrastructure;

/// <summary>The Host header a test browser sends instead of its URL's authority; null sends the URL's.</summary>
public sealed class HostHeader
{
    public string? Value { get; set; }
}
