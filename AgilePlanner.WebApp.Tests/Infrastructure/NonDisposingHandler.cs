namespace AgilePlanner.WebApp.Tests.Infrastructure;

/// <summary>The HTTP client factory disposes expired handlers; a test's provider double lives as long as the test.</summary>
public sealed class NonDisposingHandler(HttpMessageHandler inner) : DelegatingHandler(inner)
{
    protected override void Dispose(bool disposing)
    {
    }
}
