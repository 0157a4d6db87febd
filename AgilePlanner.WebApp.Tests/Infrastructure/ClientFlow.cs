using System.Net;
using AngleSharp.Html.Dom;
using Microsoft.AspNetCore.WebUtilities;

namespace AgilePlanner.WebApp.Tests.Infrastructure;

/// <summary>Steps of the authorization code flow as a browser makes them, against the app and a provider double.</summary>
public static class ClientFlow
{
    /// <summary>Opens <paramref name="path"/> and returns the authorize URL the app sent the browser to.</summary>
    public static async Task<Uri> StartAsync(HttpClient browser, string path = "/connect")
    {
        var response = await Redirects.FollowAsync(browser, await browser.GetAsync(path, TestContext.Current.CancellationToken), sameSiteOnly: true);
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        var location = response.Headers.Location!;
        Assert.StartsWith(ProviderDouble.AuthorizationEndpoint + "?", location.ToString());
        return location;
    }

    public static Dictionary<string, string> Query(Uri uri) =>
        QueryHelpers.ParseQuery(uri.Query).ToDictionary(p => p.Key, p => p.Value.ToString());

    /// <summary>The browser arriving at the callback with <paramref name="query"/> (already encoded).</summary>
    public static Task<HttpResponseMessage> CallbackAsync(HttpClient browser, string query) =>
        browser.GetAsync("/callback?" + query, TestContext.Current.CancellationToken);

    /// <summary>The provider's answer for an allowed request: code, state and iss.</summary>
    public static string Allowed(Uri authorize, string code = "the-code") =>
        $"code={Uri.EscapeDataString(code)}&state={Uri.EscapeDataString(Query(authorize)["state"])}&iss={Uri.EscapeDataString(ProviderDouble.Issuer)}";

    /// <summary>Connects from <paramref name="path"/> and follows the app's redirects to the page the user lands on.</summary>
    public static async Task<HttpResponseMessage> ConnectAsync(HttpClient browser, string path = "/connect")
    {
        var authorize = await StartAsync(browser, path);
        return await FollowAsync(browser, await CallbackAsync(browser, Allowed(authorize)));
    }

    /// <summary>Follows redirects that stay on the app.</summary>
    public static Task<HttpResponseMessage> FollowAsync(HttpClient browser, HttpResponseMessage response) =>
        Redirects.FollowAsync(browser, response, sameSiteOnly: true);

    public static async Task<HttpResponseMessage> GetPageAsync(HttpClient browser, string path) =>
        await FollowAsync(browser, await browser.GetAsync(path, TestContext.Current.CancellationToken));

    public static async Task<(HttpResponseMessage Response, IHtmlDocument Page)> PageAsync(HttpClient browser, string path)
    {
        var response = await GetPageAsync(browser, path);
        return (response, await Html.ParseAsync(response));
    }

    /// <summary>
    /// A signed-in page opened without a session: the app's own page offering Connect (back to <paramref name="path"/>),
    /// never a trip to the provider the user did not ask for.
    /// </summary>
    public static async Task<IHtmlDocument> AssertConnectOfferedAsync(HttpClient browser, string path = "/account")
    {
        var response = await browser.GetAsync(path, TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        var location = response.Headers.Location!;
        Assert.True(!location.IsAbsoluteUri || location.Authority == browser.BaseAddress!.Authority, $"{path} sent the browser to {location}");
        Assert.Equal("/connection/needed", location.IsAbsoluteUri ? location.AbsolutePath : location.OriginalString.Split('?')[0]);
        var (needed, page) = await PageAsync(browser, location.IsAbsoluteUri ? location.PathAndQuery : location.OriginalString);
        Assert.Equal(HttpStatusCode.OK, needed.StatusCode);
        Assert.Equal("Connect to see this page", page.QuerySelector("h1")?.TextContent);
        var connect = page.QuerySelectorAll("main a").Single(a => a.TextContent.Trim() == "Connect Agile Planner");
        Assert.Equal("/connect?returnUrl=" + Uri.EscapeDataString(path), connect.GetAttribute("href"));
        return page;
    }

}
