using System.Net;
using AgilePlanner.WebApp.Tests.Infrastructure;

namespace AgilePlanner.WebApp.Tests.WebApp;

public sealed class HomePageTests : IAsyncLifetime
{
    private readonly AgilePlannerAppFactory _app = new();

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

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public ValueTask DisposeAsync() => _app.DisposeAsync();
}
