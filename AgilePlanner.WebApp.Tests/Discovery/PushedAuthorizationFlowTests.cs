using System.Net;
using AgilePlanner.WebApp.Tests.Infrastructure;
using AngleSharp.Dom;
using AngleSharp.Html.Dom;
using Microsoft.AspNetCore.WebUtilities;

namespace AgilePlanner.WebApp.Tests.Discovery;

/// <summary>The flow inspector after a connection whose authorization request was pushed (RFC 9126) to the built-in sandbox.</summary>
public sealed class PushedAuthorizationFlowTests : IAsyncDisposable
{
    private readonly SandboxAppFactory _app = new();

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task The_push_is_its_own_step_with_its_body_masked_its_request_uri_and_why_it_is_safer()
    {
        _app.With("Sandbox:RequirePushedAuthorization", "true");
        using var ada = await SandboxUser.SignInAsync(_app);
        using var connect = await ada.Browser.GetAsync("/connect", Cancel);
        var requestUri = QueryHelpers.ParseQuery(connect.Headers.Location!.Query)["request_uri"].ToString();
        using var consent = await ada.Browser.GetAsync(connect.Headers.Location, Cancel);
        using var allowed = await ada.DecideAsync(consent, "Allow");
        await Redirects.FollowAsync(ada.Browser, allowed, sameSiteOnly: true);

        using var flow = await ada.Browser.GetAsync("/flow", Cancel);
        Assert.Equal(HttpStatusCode.OK, flow.StatusCode);
        var html = await flow.Content.ReadAsStringAsync(Cancel);
        var page = await Html.ParseAsync(flow);

        Assert.Equal(["PushedAuthorization", "Authorize", "Callback", "TokenRequest", "TokenResponse"], Steps(page).Select(s => s.GetAttribute("data-kind")).Take(5));
        var push = Step(page, "PushedAuthorization");
        Assert.Contains("POST http://localhost/sandbox/oauth/par", push.TextContent);
        Assert.Contains(requestUri, push.TextContent);
        Assert.Contains("expires_in", push.TextContent);
        Assert.Contains("never travel in the browser's address bar", push.TextContent);
        Assert.Contains("code_challenge", push.TextContent);
        Assert.Contains("Only client_id and request_uri travel in this URL", Step(page, "Authorize").TextContent);
        // The verifier sent at the token endpoint is checked against the pushed challenge.
        Assert.Contains("equals the code_challenge", Step(page, "TokenRequest").TextContent);

        var pushed = QueryHelpers.ParseQuery(_app.BackChannel.Single(e => e.Uri.AbsolutePath == "/sandbox/oauth/par").RequestBody);
        foreach (var secret in new[] { pushed["client_secret"].ToString(), pushed["state"].ToString() })
        {
            Assert.False(string.IsNullOrEmpty(secret));
            Assert.DoesNotContain(secret, html);
            Assert.DoesNotContain(Uri.EscapeDataString(secret), html);
        }
    }

    private static IReadOnlyList<IElement> Steps(IHtmlDocument page) => page.QuerySelectorAll("section.flow-step").ToList();

    private static IElement Step(IHtmlDocument page, string kind) => Steps(page).First(s => s.GetAttribute("data-kind") == kind);

    public ValueTask DisposeAsync() => _app.DisposeAsync();
}
