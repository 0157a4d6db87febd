using System.Collections.Concurrent;
using System.Net;
using System.Text.RegularExpressions;
using AgilePlanner.Api;
using AgilePlanner.AspNetCore;
using AgilePlanner.WebApp.Tests.Infrastructure;
using AngleSharp.Dom;
using AngleSharp.Html.Dom;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.DependencyInjection;

namespace AgilePlanner.WebApp.Tests.Flow;

/// <summary>
/// The flow inspector after a real connection to the built-in sandbox: demo sign-in, Allow or Deny on the consent
/// page, the code exchanged over the app's back channel (routed to the in-memory server).
/// </summary>
public sealed class FlowInspectorSandboxTests : IAsyncDisposable
{
    private readonly AgilePlannerAppFactory _app = new();

    // What actually crossed the back channel, recorded on the wire side of the inspector, to know the real secrets.
    private readonly WireLog _wire = new();

    public FlowInspectorSandboxTests()
    {
        _app.ConfigureTestServices = services =>
        {
            foreach (var name in new[] { AgilePlannerAuthenticationDefaults.BackchannelHttpClientName, AgilePlannerApiClient.HttpClientName })
            {
                services.AddHttpClient(name)
                    .ConfigurePrimaryHttpMessageHandler(() => _app.Server.CreateHandler())
                    .AddHttpMessageHandler(() => _wire.Tap());
            }
        };
    }

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task After_connecting_to_the_sandbox_the_flow_page_explains_every_step_without_a_secret()
    {
        using var ada = await SandboxUser.SignInAsync(_app);

        var callback = await AuthorizeAsync(ada, "Allow");
        var code = QueryHelpers.ParseQuery(callback.Query)["code"].ToString();
        using var signedIn = await ada.Browser.GetAsync(callback, Cancel);
        Assert.Equal("/account", signedIn.Headers.Location?.OriginalString);
        using var account = await ada.Browser.GetAsync("/account", Cancel);
        Assert.Equal(HttpStatusCode.OK, account.StatusCode);
        using var flow = await ada.Browser.GetAsync("/flow", Cancel);
        var html = await flow.Content.ReadAsStringAsync(Cancel);
        var page = await Html.ParseAsync(flow);

        Assert.Equal(
            ["Authorize", "Callback", "TokenRequest", "TokenResponse", "ApiCall"],
            Steps(page).Select(s => s.GetAttribute("data-kind")).Take(5));
        Assert.Contains("http://localhost/sandbox/oauth/authorize?", Step(page, "Authorize").TextContent);
        Assert.Contains("http://localhost/sandbox/", Step(page, "Callback").TextContent);
        Assert.Contains("equals the code_challenge", Step(page, "TokenRequest").TextContent);
        Assert.Contains("\"token_type\": \"Bearer\"", Step(page, "TokenResponse").QuerySelector("pre")!.TextContent);
        Assert.Contains("GET http://localhost/sandbox/api/v1/me", Step(page, "ApiCall").TextContent);

        var secrets = new List<string> { SandboxClient.WebApp.ClientSecret, code };
        secrets.AddRange(WireValues("code_verifier", "access_token", "refresh_token"));
        Assert.True(secrets.Count >= 5, "The wire tap saw the verifier and both tokens.");
        foreach (var secret in secrets)
        {
            Assert.DoesNotContain(secret, html);
            Assert.DoesNotContain(Uri.EscapeDataString(secret), html);
        }
    }

    [Fact]
    public async Task Denying_at_the_sandbox_shows_the_error_step()
    {
        using var ada = await SandboxUser.SignInAsync(_app);

        var callback = await AuthorizeAsync(ada, "Deny");
        using var refused = await ada.Browser.GetAsync(callback, Cancel);
        using var flow = await ada.Browser.GetAsync("/flow", Cancel);
        var page = await Html.ParseAsync(flow);

        Assert.Equal(["Authorize", "Callback", "Failure"], Steps(page).Select(s => s.GetAttribute("data-kind")));
        var step = Step(page, "Callback");
        Assert.Contains("failed", step.ClassList);
        Assert.Contains("Access was denied (error=access_denied)", step.QuerySelector(".flow-outcome")!.TextContent);
        Assert.Empty(_wire.Exchanges);
    }

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();

    /// <summary>Connect, the sandbox's consent page, Allow or Deny: the callback URL the sandbox sends the browser to.</summary>
    internal static async Task<Uri> AuthorizeAsync(SandboxUser user, string button)
    {
        using var connect = await user.Browser.GetAsync("/connect", Cancel);
        Assert.Equal(HttpStatusCode.Redirect, connect.StatusCode);
        Assert.StartsWith("http://localhost/sandbox/oauth/authorize?", connect.Headers.Location!.ToString());
        using var consent = await user.Browser.GetAsync(connect.Headers.Location, Cancel);
        using var decided = await user.DecideAsync(consent, button);
        Assert.Equal(HttpStatusCode.Redirect, decided.StatusCode);
        var callback = decided.Headers.Location!;
        Assert.StartsWith("http://localhost/callback?", callback.ToString());
        return callback;
    }

    private IEnumerable<string> WireValues(params string[] names) => _wire.Values(names);

    private static IReadOnlyList<IElement> Steps(IHtmlDocument page) => page.QuerySelectorAll("section.flow-step").ToList();

    private static IElement Step(IHtmlDocument page, string kind) => Steps(page).First(s => s.GetAttribute("data-kind") == kind);
}
