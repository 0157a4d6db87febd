using System.IO.Compression;
using System.Net;
using AgilePlanner.WebApp.Tests.Infrastructure;

namespace AgilePlanner.WebApp.Tests.WebApp;

/// <remarks>Every test only reads pages, so the class shares one host.</remarks>
public sealed class ResponseCompressionTests(SharedApp app) : IClassFixture<SharedApp>
{
    private const string BrowserEncodings = "gzip, deflate, br, zstd";

    private readonly AgilePlannerAppFactory _app = app;

    [Fact]
    public async Task Page_is_sent_with_brotli_to_a_browser_that_accepts_it()
    {
        // The API console's page is over the minimum size even for a visitor.
        using var response = await GetAsync("http://localhost/console", BrowserEncodings);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(["br"], response.Content.Headers.ContentEncoding);
        await using var body = new BrotliStream(await response.Content.ReadAsStreamAsync(TestContext.Current.CancellationToken), CompressionMode.Decompress);
        var html = await new StreamReader(body).ReadToEndAsync(TestContext.Current.CancellationToken);
        Assert.Contains("Agile Planner Connect", html);
        Assert.True(System.Text.Encoding.UTF8.GetByteCount(html) >= AgilePlanner.WebApp.Hosting.PageCompression.MinimumCompressedBytes);
    }

    [Fact]
    public async Task Page_under_the_minimum_size_is_sent_whole_with_its_length_and_no_encoding()
    {
        using var response = await GetAsync("http://localhost/", BrowserEncodings);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Empty(response.Content.Headers.ContentEncoding);
        var body = await response.Content.ReadAsByteArrayAsync(TestContext.Current.CancellationToken);
        Assert.InRange(body.Length, 1, AgilePlanner.WebApp.Hosting.PageCompression.MinimumCompressedBytes - 1);
        Assert.Equal(body.Length, response.Content.Headers.ContentLength);
        Assert.Contains("Agile Planner Connect", System.Text.Encoding.UTF8.GetString(body));
    }

    [Fact]
    public async Task Error_page_under_the_minimum_size_is_sent_whole_with_its_status()
    {
        using var response = await GetAsync("http://localhost/no-such-page", BrowserEncodings);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Empty(response.Content.Headers.ContentEncoding);
        var body = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        Assert.Equal(System.Text.Encoding.UTF8.GetByteCount(body), response.Content.Headers.ContentLength);
        Assert.Contains("<html", body);
    }

    [Fact]
    public async Task Stylesheet_is_sent_with_gzip_to_a_client_that_accepts_only_gzip()
    {
        using var response = await GetAsync("http://localhost/css/site.css", "gzip");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(["gzip"], response.Content.Headers.ContentEncoding);
        await using var body = new GZipStream(await response.Content.ReadAsStreamAsync(TestContext.Current.CancellationToken), CompressionMode.Decompress);
        var css = await new StreamReader(body).ReadToEndAsync(TestContext.Current.CancellationToken);
        Assert.Contains("{", css);
    }

    [Fact]
    public async Task Page_is_not_compressed_over_https()
    {
        using var response = await GetAsync("https://localhost/", BrowserEncodings);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Empty(response.Content.Headers.ContentEncoding);
        Assert.Contains("Agile Planner Connect", await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task Page_is_not_compressed_for_a_client_that_accepts_no_encoding()
    {
        using var response = await GetAsync("http://localhost/", acceptEncoding: null);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Empty(response.Content.Headers.ContentEncoding);
    }

    private async Task<HttpResponseMessage> GetAsync(string url, string? acceptEncoding)
    {
        using var client = _app.CreateBrowser();
        using var request = new HttpRequestMessage(HttpMethod.Get, url);
        if (acceptEncoding is not null)
        {
            request.Headers.TryAddWithoutValidation("Accept-Encoding", acceptEncoding);
        }
        return await client.SendAsync(request, TestContext.Current.CancellationToken);
    }
}
