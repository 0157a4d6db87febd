using System.Net;
using AngleSharp.Dom;
using AngleSharp.Html.Dom;

namespace AgilePlanner.WebApp.Tests.Infrastructure.OidcProvider;

/// <summary>
/// The demo account at <see cref="OidcProviderServer"/> in a browser of its own (cookies kept, redirects followed only
/// while they stay at the provider): from an authorize URL through the sign-in and consent forms to the redirect that
/// leaves for the client's callback. The client's own redirects (to the provider, back to its callback) are the test's.
/// </summary>
public sealed class OidcProviderUser : IDisposable
{
    public const string Email = "demo@agileplanner.test";
    public const string Password = "agile-demo";

    private const int MaxRedirects = 10;

    private readonly OidcProviderServer _provider;

    internal OidcProviderUser(OidcProviderServer provider)
    {
        _provider = provider;
        Browser = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false, UseCookies = true, CookieContainer = new CookieContainer() })
        {
            Timeout = TimeSpan.FromSeconds(30),
        };
    }

    /// <summary>This person's browser at the provider.</summary>
    public HttpClient Browser { get; }

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    /// <summary>
    /// Opens <paramref name="authorizeUrl"/>, signs in if asked, clicks <paramref name="button"/> (Allow or Deny) on the
    /// consent page if shown, and returns where the provider sent the browser back to (the client's callback).
    /// </summary>
    public async Task<CallbackParameters> AuthorizeAsync(string authorizeUrl, string button = "Allow")
    {
        using var first = await FollowAsync(new Uri(authorizeUrl));
        var response = first;
        var opened = new List<HttpResponseMessage>();
        try
        {
            if (await FormAsync(response, "/login") is { } signIn)
            {
                response = await SubmitAsync(signIn, new Dictionary<string, string> { ["email"] = Email, ["password"] = Password });
                opened.Add(response);
            }
            if (await FormAsync(response, "/confirm") is { } consent)
            {
                response = await SubmitAsync(consent, submitButton: consent.ButtonNamed(button));
                opened.Add(response);
            }
            if (response.StatusCode is not (HttpStatusCode.Redirect or HttpStatusCode.SeeOther or HttpStatusCode.Found))
            {
                var page = await Html.ParseAsync(response);
                throw new InvalidOperationException(
                    $"The provider answered {(int)response.StatusCode} instead of a redirect to the client: {page.Body?.TextContent.Trim()}\n{_provider.Output}");
            }
            return CallbackParameters.From(response);
        }
        finally
        {
            opened.ForEach(r => r.Dispose());
        }
    }

    /// <summary>GETs <paramref name="uri"/> and follows redirects while they stay at the provider.</summary>
    public async Task<HttpResponseMessage> FollowAsync(Uri uri)
    {
        var response = await Browser.GetAsync(uri, Cancel);
        for (var hop = 0; hop < MaxRedirects && NextAtProvider(response) is { } next; hop++)
        {
            response.Dispose();
            response = await Browser.GetAsync(next, Cancel);
        }
        return response;
    }

    private async Task<HttpResponseMessage> SubmitAsync(IHtmlFormElement form, IReadOnlyDictionary<string, string>? fields = null, IHtmlElement? submitButton = null)
    {
        using var posted = await Browser.SubmitAsync(form, fields, submitButton);
        return NextAtProvider(posted) is { } next ? await FollowAsync(next) : Copy(posted);
    }

    private Uri? NextAtProvider(HttpResponseMessage response)
    {
        if (response.Headers.Location is not { } location)
        {
            return null;
        }
        var absolute = location.IsAbsoluteUri ? location : new Uri(response.RequestMessage!.RequestUri!, location);
        return absolute.GetLeftPart(UriPartial.Authority) == new Uri(_provider.Issuer).GetLeftPart(UriPartial.Authority) ? absolute : null;
    }

    private static async Task<IHtmlFormElement?> FormAsync(HttpResponseMessage response, string actionEnd)
    {
        if (response.StatusCode != HttpStatusCode.OK)
        {
            return null;
        }
        var page = await Html.ParseAsync(response);
        return page.QuerySelectorAll<IHtmlFormElement>("form").FirstOrDefault(f => f.Action.EndsWith(actionEnd, StringComparison.Ordinal));
    }

    /// <summary>The redirect out of the provider, kept after its original is disposed.</summary>
    private static HttpResponseMessage Copy(HttpResponseMessage response)
    {
        var copy = new HttpResponseMessage(response.StatusCode) { RequestMessage = response.RequestMessage };
        copy.Headers.Location = response.Headers.Location;
        return copy;
    }

    public void Dispose() => Browser.Dispose();
}
