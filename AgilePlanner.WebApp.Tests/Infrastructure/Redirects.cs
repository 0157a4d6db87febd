namespace AgilePlanner.WebApp.Tests.Infrastructure;

/// <summary>How a browser follows redirects, for the tests' HTTP clients (which follow none themselves).</summary>
public static class Redirects
{
    public static bool IsRedirect(HttpResponseMessage response) => (int)response.StatusCode is 301 or 302 or 303 or 307 or 308;

    /// <summary>
    /// Follows redirects (ten at most), each resolved against the URL it answered, as a GET. With <paramref name="sameSiteOnly"/>,
    /// stops at the first that leaves the browser's own site (to the provider, say); <paramref name="visited"/> gets every URL followed.
    /// </summary>
    public static async Task<HttpResponseMessage> FollowAsync(
        HttpClient browser, HttpResponseMessage response, bool sameSiteOnly = false, ICollection<Uri>? visited = null)
    {
        for (var hops = 0; hops < 10 && IsRedirect(response); hops++)
        {
            var next = new Uri(response.RequestMessage?.RequestUri ?? browser.BaseAddress!, response.Headers.Location!);
            if (sameSiteOnly && next.GetLeftPart(UriPartial.Authority) != browser.BaseAddress!.GetLeftPart(UriPartial.Authority))
            {
                break;
            }
            visited?.Add(next);
            response.Dispose();
            response = await browser.GetAsync(next, TestContext.Current.CancellationToken);
        }
        return response;
    }
}
