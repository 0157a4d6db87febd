namespace AgilePlanner.WebApp.Tests.Browser;

/// <summary>The browser tests share one headless Chromium; each test opens its own context (cookies, storage).</summary>
[CollectionDefinition(Name)]
public sealed class BrowserCollection : ICollectionFixture<ChromiumFixture>
{
    public const string Name = "Browser";
}
