using System.Collections.Concurrent;
using System.Text.RegularExpressions;
using AgilePlanner.WebApp.Tests.Infrastructure;
using Microsoft.Playwright;

namespace AgilePlanner.WebApp.Tests.Browser;

/// <summary>
/// One browser context (its own cookies) for one test, recording what the browser did: console errors, every
/// URL it requested and every server error, so a test can assert that nothing leaked and nothing broke.
/// </summary>
public sealed partial class BrowserSession : IAsyncDisposable
{
    // Credentials that must only ever travel in a POST body or an Authorization header, never in a URL.
    private static readonly string[] SecretParameters = ["access_token", "refresh_token", "client_secret", "code_verifier", "id_token"];

    private readonly ConcurrentQueue<string> _consoleErrors = new();
    private readonly ConcurrentQueue<RequestedUrl> _requests = new();
    private readonly ConcurrentQueue<string> _serverErrors = new();
    private readonly string _screenshots;
    private readonly int _logLinesBefore;
    private int _step;

    private BrowserSession(IBrowserContext context, LiveApp app, string screenshots)
    {
        Context = context;
        App = app;
        _screenshots = screenshots;
        _logLinesBefore = app.Logs.Lines.Count;
        context.Console += (_, message) =>
        {
            if (message.Type == "error")
            {
                _consoleErrors.Enqueue($"{message.Text} ({message.Location})");
            }
        };
        context.WebError += (_, error) => _consoleErrors.Enqueue($"uncaught: {error.Error}");
        context.Request += (_, request) =>
            _requests.Enqueue(new RequestedUrl(request.Url, request.Headers.GetValueOrDefault("referer")));
        context.Response += (_, response) =>
        {
            if (response.Status >= 500)
            {
                _serverErrors.Enqueue($"{response.Status} {response.Request.Method} {response.Url}");
            }
        };
    }

    public IBrowserContext Context { get; }

    public LiveApp App { get; }

    /// <summary>Every URL the browser asked for, in order, with its Referer.</summary>
    public IReadOnlyCollection<RequestedUrl> Requests => _requests;

    /// <summary>Opens a fresh context on the shared browser for <paramref name="app"/>.</summary>
    public static async Task<BrowserSession> OpenAsync(ChromiumFixture chromium, LiveApp app, bool ignoreCertificateErrors = false)
    {
        var browser = chromium.Browser;
        var context = await browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = app.AppUrl.ToString(),
            ViewportSize = new ViewportSize { Width = 1100, Height = 750 },
            IgnoreHTTPSErrors = ignoreCertificateErrors,
            Locale = "en-US",
        });
        context.SetDefaultTimeout(20_000);
        return new BrowserSession(context, app, ScreenshotFolder());
    }

    public async Task<IPage> NewPageAsync() => await Context.NewPageAsync();

    /// <summary>
    /// Saves a screenshot of this step as <c>screenshots/{test}/{nn}-{name}.png</c> in the test output. A picture for people
    /// to look at, not something the test asserts: a screenshot Chromium cannot capture (it happens on a loaded machine) is
    /// tried once more, then noted in the test output instead of failing the test.
    /// </summary>
    public async Task SnapAsync(IPage page, string name)
    {
        Directory.CreateDirectory(_screenshots);
        var file = Path.Combine(_screenshots, $"{Interlocked.Increment(ref _step):00}-{name}.png");
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await page.ScreenshotAsync(new PageScreenshotOptions { Path = file, FullPage = false });
                return;
            }
            catch (PlaywrightException failure) when (failure.Message.Contains("captureScreenshot", StringComparison.Ordinal))
            {
                if (attempt == 2)
                {
                    TestContext.Current.TestOutputHelper?.WriteLine($"screenshot {name} not taken: {failure.Message.Split('\n')[0]}");
                    return;
                }
            }
        }
    }

    /// <summary>No console error, no server error, and no credential in any URL or Referer the browser sent.</summary>
    public void AssertNothingLeakedOrBroke()
    {
        Assert.True(_consoleErrors.IsEmpty, "Console errors:\n" + string.Join('\n', _consoleErrors));
        Assert.True(_serverErrors.IsEmpty, "Server errors:\n" + string.Join('\n', _serverErrors));

        foreach (var request in _requests)
        {
            foreach (var sent in new[] { request.Url, request.Referer }.OfType<string>())
            {
                var leaked = SecretParameters.FirstOrDefault(name => QueryParameter(sent, name) is not null);
                Assert.True(leaked is null, $"'{leaked}' travelled in a URL: {sent}");
                Assert.DoesNotContain(SandboxClientSecret, sent, StringComparison.Ordinal);
            }
        }

        // An authorization code may reach the callback once; seeing it again (a reload, a Referer) is a leak or a replay.
        var codes = _requests.Select(r => QueryParameter(r.Url, "code")).OfType<string>().Distinct();
        foreach (var code in codes)
        {
            var carriers = _requests.Where(r => r.Url.Contains(code, StringComparison.Ordinal)
                || (r.Referer?.Contains(code, StringComparison.Ordinal) ?? false)).Select(r => r.Url).ToList();
            Assert.True(carriers.Count == 1, $"The authorization code travelled again after its use:\n{string.Join('\n', carriers)}");
        }
    }

    /// <summary>Every cookie the browser holds for the app's host, whatever its path.</summary>
    public async Task<IReadOnlyList<BrowserContextCookiesResult>> AppCookiesAsync() =>
        (await Context.CookiesAsync()).Where(c => c.Domain == App.AppUrl.Host).ToList();

    /// <summary>
    /// The session cookie as the browser holds it: one cookie (no chunks), HttpOnly, SameSite=Lax, Secure over
    /// HTTPS (then with the <c>__Host-</c> prefix), bound to the app's host, out of the page script's reach.
    /// </summary>
    public async Task<BrowserContextCookiesResult> AssertSessionCookieAsync(IPage page)
    {
        var https = App.AppUrl.Scheme == Uri.UriSchemeHttps;
        var name = https ? "__Host-" + SessionCookieName : SessionCookieName;
        var cookies = await AppCookiesAsync();
        var session = Assert.Single(cookies, c => c.Name == name);

        Assert.True(session.HttpOnly, "The session cookie must be HttpOnly.");
        Assert.Equal(SameSiteAttribute.Lax, session.SameSite);
        Assert.Equal(https, session.Secure);
        Assert.Equal("localhost", session.Domain);
        Assert.Equal("/", session.Path);
        Assert.DoesNotContain(cookies, c => Regex.IsMatch(c.Name, $"^{Regex.Escape(name)}C[0-9]+$"));
        Assert.False(session.Value.StartsWith("chunks-", StringComparison.Ordinal), "The session cookie was split into chunks.");
        var size = session.Name.Length + session.Value.Length;
        Assert.True(size < 4096, $"The session cookie is {size} bytes; browsers drop cookies of 4096 bytes and more.");
        TestContext.Current.TestOutputHelper?.WriteLine($"session cookie {session.Name}: {size} bytes");

        Assert.DoesNotContain(name + "=", await page.EvaluateAsync<string>("document.cookie"), StringComparison.Ordinal);
        var providerCookies = (await Context.CookiesAsync()).Where(c => c.Domain == App.ProviderUrl.Host);
        Assert.DoesNotContain(providerCookies, c => c.Name == name);
        return session;
    }

    /// <summary>The session cookie's name over plain HTTP.</summary>
    public const string SessionCookieName = AgilePlanner.WebApp.Session.SessionCookie.Name;

    public async ValueTask DisposeAsync()
    {
        await Context.CloseAsync();
        // Kestrel's threads log outside the test's context; replay the server's warnings and errors here.
        var output = TestContext.Current.TestOutputHelper;
        foreach (var line in App.Logs.Lines.Skip(_logLinesBefore).Where(IsWarningOrWorse))
        {
            output?.WriteLine("server: " + line);
        }
    }

    private static bool IsWarningOrWorse(string line) =>
        line.StartsWith("Warning", StringComparison.Ordinal) || line.StartsWith("Error", StringComparison.Ordinal) || line.StartsWith("Critical", StringComparison.Ordinal);

    internal const string SandboxClientSecret = "sandbox-secret-not-for-production";

    private static string? QueryParameter(string url, string name)
    {
        var match = Regex.Match(url, $@"[?&#]{Regex.Escape(name)}=([^&#]*)", RegexOptions.IgnoreCase);
        return match.Success && match.Groups[1].Value.Length > 0 ? match.Groups[1].Value : null;
    }

    private static string ScreenshotFolder()
    {
        var test = TestContext.Current.TestMethod?.MethodName ?? "unnamed";
        var safe = InvalidFileCharacters().Replace(test, "_");
        var folder = Path.Combine(ScreenshotRoot, safe);
        if (Directory.Exists(folder))
        {
            Directory.Delete(folder, recursive: true);
        }
        return folder;
    }

    /// <summary><c>screenshots/</c> beside the test assembly, or <c>BROWSER_SCREENSHOTS</c> when set.</summary>
    public static string ScreenshotRoot =>
        Environment.GetEnvironmentVariable("BROWSER_SCREENSHOTS") is { Length: > 0 } configured
            ? configured
            : Path.Combine(AppContext.BaseDirectory, "screenshots");

    [GeneratedRegex(@"[^A-Za-z0-9_.-]+")]
    private static partial Regex InvalidFileCharacters();
}
