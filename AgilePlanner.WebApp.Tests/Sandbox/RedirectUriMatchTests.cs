using AgilePlanner.Sandbox.Authorization;

namespace AgilePlanner.WebApp.Tests.Sandbox;

/// <summary>The redirect URI rule: exact, except any port for a loopback host (RFC 8252 section 7.3).</summary>
public sealed class RedirectUriMatchTests
{
    [Theory]
    [InlineData("http://localhost/callback", "http://localhost/callback")]
    [InlineData("http://localhost/callback", "http://localhost:5080/callback")]
    [InlineData("http://127.0.0.1/callback", "http://127.0.0.1:49152/callback")]
    [InlineData("http://[::1]/callback", "http://[::1]:8080/callback")]
    [InlineData("http://localhost:5080/callback", "http://localhost:6000/callback")]
    [InlineData("https://app.example/callback", "https://app.example/callback")]
    public void Matches(string registered, string requested) =>
        Assert.True(RedirectUriMatch.Matches(registered, requested));

    [Theory]
    [InlineData("http://localhost/callback", "http://localhost:5080/callback/")]
    [InlineData("http://localhost/callback", "http://localhost:5080/Callback")]
    [InlineData("http://localhost/callback", "http://localhost:5080/callback?x=1")]
    [InlineData("http://localhost/callback", "http://127.0.0.1:5080/callback")]
    [InlineData("http://localhost/callback", "https://localhost:5080/callback")]
    [InlineData("http://localhost/callback", "http://localhost:50a/callback")]
    [InlineData("http://localhost/callback", "http://localhost:/callback")]
    [InlineData("http://localhost/callback", "http://evil@localhost:5080/callback")]
    [InlineData("http://localhost/callback", "http://localhost:5080/callback#x")]
    [InlineData("http://localhost/callback", "http://localhost:5080/a/../callback")]
    [InlineData("https://app.example/callback", "https://app.example:8443/callback")]
    [InlineData("https://app.example/callback", "https://APP.example/callback")]
    [InlineData("https://app.example/callback", "https://app.example/callback/")]
    [InlineData("http://app.example/callback", "http://app.example:8080/callback")]
    public void Does_not_match(string registered, string requested) =>
        Assert.False(RedirectUriMatch.Matches(registered, requested));
}
