using System.Net;
using AgilePlanner.WebApp.Tests.Infrastructure;

namespace AgilePlanner.WebApp.Tests.WebApp;

/// <remarks>Every test only reads pages, so the class shares one host.</remarks>
public sealed class HomePageTests(SharedApp app) : IClassFixture<SharedApp>
{
    private readonly AgilePlannerAppFactory _app = app;

    [Fact]
    public async Task Home_page_names_the_app()
    {
        using var browser = _app.CreateBrowser();

        using var response = await browser.GetAsync("/", TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var page = await Html.ParseAsync(response);
        Assert.Equal("Agile Planner Connect", page.QuerySelector("h1")?.TextContent);
    }

    [Fact]
    public async Task Home_page_sets_no_cookie_on_a_visitor_who_sent_none()
    {
        using var browser = _app.CreateBrowser();

        using var response = await browser.GetAsync("/", TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.False(response.Headers.Contains("Set-Cookie"), string.Join("; ", response.Headers.TryGetValues("Set-Cookie", out var cookies) ? cookies : []));
    }
}
