using System.Net;
using System.Text;
using AgilePlanner.WebApp.Tests.Infrastructure;
using AngleSharp.Dom;
using AngleSharp.Html.Dom;
using Microsoft.AspNetCore.Http;

namespace AgilePlanner.WebApp.Tests.Security;

/// <summary>
/// Thousands of generated bad requests against the app's and the sandbox's endpoints, over a real Kestrel port (it checks
/// header values as the test server does not): none may answer 5xx or log an unhandled exception, and the whole flow must
/// still work afterwards. Hosts, forwarded headers and Unicode look-alikes of <c>/ . :</c> in redirect parameters included.
/// </summary>
public sealed class BadInputCampaignTests : IAsyncDisposable
{
    private const int Requests = 2400;

    private static readonly string[] Paths =
    [
        "/callback", "/connect", "/account", "/projects", "/projects/1", "/projects/abc/stories", "/flow", "/console",
        "/disconnect", "/sandbox/oauth/authorize", "/sandbox/oauth/token", "/sandbox/oauth/revoke", "/sandbox/signin",
        "/sandbox/signup", "/sandbox/developers", "/sandbox/account/apps", "/sandbox/api/v1/me",
        "/sandbox/api/v1/projects", "/sandbox/api/v1/projects/1/stories", "/sandbox/api/v1/projects/1/iterations",
        "/sandbox/.well-known/oauth-authorization-server", "/",
    ];

    private static readonly string[] Names =
    [
        "code", "state", "error", "error_description", "error_uri", "iss", "returnUrl", "scope", "client_id",
        "redirect_uri", "response_type", "code_challenge", "code_challenge_method", "grant_type", "refresh_token",
        "code_verifier", "client_secret", "token", "token_type_hint", "limit", "cursor", "iteration", "path",
        "Email", "Password", "Name", "Company", "__RequestVerificationToken", "decision",
    ];

    private static readonly string[] Methods = ["GET", "POST", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS"];

    /// <summary>Malformed, out-of-range, unknown and loopback-lookalike hosts, for Host and X-Forwarded-Host.</summary>
    private static readonly string[] Hosts =
    [
        "evil.test:99999", "a..b", "evil.test", "nxdomain.invalid", "localhost:0", "localhost:65536", "localhost:abc", "localhost:",
        "[::1", "::1", "[::1]:99999", "127.0.0.1:-1", ".", "-", "a.-b.c", new string('a', 64) + ".test", string.Join('.', Enumerable.Repeat("a", 130)),
        "203.0.113.9", "127.0.0.1.evil.test", "localhost.evil.test", "xn--", "user@localhost", "localhost/x", "local%68ost", "1.2.3.4.5",
    ];

    private static readonly string[] ForwardedProtos = ["gopher", "javascript", "", "http, https, ftp", "HTTPS", "h\ttp", "https://evil.test", "1http"];

    private static readonly string[] ForwardedFors = ["not-an-ip", "999.1.1.1", "::1, evil", "127.0.0.1:99999", "[::1]:x", string.Join(", ", Enumerable.Repeat("10.0.0.1", 200)), ""];

    /// <summary>Look-alikes of <c>/ . : \</c> that browsers or IDNA map to the real characters: 。 ． ／ ∕ ⁄ ： ∶ ﹕ ﹒ ․ ＼.</summary>
    private static readonly string[] LookAlikes = ["\u3002", "\uFF0E", "\uFF0F", "\u2215", "\u2044", "\uFF1A", "\u2236", "\uFE55", "\uFE52", "\u2024", "\uFF3C"];

    /// <summary>Return URLs built from the look-alikes: a second slash, a host, a scheme.</summary>
    private static readonly string[] LookAlikeReturnUrls = LookAlikes
        .SelectMany(c => new[] { $"/{c}/x", $"/{c}evil.test", $"//evil{c}test", $"https{c}//evil.test", $"/{c}{c}evil.test/", $"/account{c}" })
        .ToArray();

    private static readonly string[] RedirectRoutes = ["/connect", "/connection/expired", "/connection/more-access?scope=write&x=1", "/sandbox/signin", "/sandbox/signup"];

    private readonly KestrelSandboxApp _app = new();

    public BadInputCampaignTests()
    {
        // One test client sends everything from one address: lift the sandbox's per-address limits.
        _app.With("Sandbox:RateLimits:SignInPerMinute", "1000000")
            .With("Sandbox:RateLimits:TokenPerMinute", "1000000")
            .With("Sandbox:RateLimits:ApiPerMinute", "1000000");
    }

    [Fact]
    public async Task Generated_bad_requests_never_get_a_server_error_and_the_flow_still_works()
    {
        var random = new Random(20261129);
        await _app.StartReadyAsync();
        using var http = _app.CreateKestrelBrowser(new HostHeader());
        var failures = new List<string>();

        for (var i = 0; i < Requests; i++)
        {
            using var request = BadRequest(random, i);
            var described = $"{request.Method} {request.RequestUri}";
            try
            {
                using var response = await http.SendAsync(request, TestContext.Current.CancellationToken);
                if ((int)response.StatusCode >= 500)
                {
                    failures.Add($"{(int)response.StatusCode} for {Shorten(described)}");
                }
            }
            catch (Exception exception) when (exception is not OperationCanceledException)
            {
                failures.Add($"{exception.GetType().Name} for {Shorten(described)}: {Shorten(exception.Message)}");
            }
        }

        var errors = _app.Logs.Lines
            .Where(line => line.StartsWith("Error", StringComparison.Ordinal) || line.StartsWith("Critical", StringComparison.Ordinal))
            .ToList();
        Assert.True(failures.Count == 0, $"{failures.Count} failures: {string.Join("\n", failures.Take(10))}\nthe first error logged: {errors.Select(Shorten).FirstOrDefault()}");
        Assert.True(errors.Count == 0, $"{errors.Count} error log lines, the first: {string.Join("\n---\n", errors.Take(3).Select(Shorten))}");
        await AssertTheFlowStillWorksAsync();
    }

    private static HttpRequestMessage BadRequest(Random random, int index)
    {
        if (index % 10 == 9)
        {
            return LookAlikeRedirect(random);
        }

        var path = Paths[random.Next(Paths.Length)];
        var method = index % 3 == 0 ? Methods[random.Next(Methods.Length)] : (index % 3 == 1 ? "GET" : "POST");
        var query = string.Join('&', Enumerable.Range(0, random.Next(0, 6)).Select(_ => Pair(random)));
        var request = new HttpRequestMessage(new HttpMethod(method), query.Length == 0 ? path : $"{path}?{query}");

        if (method is "POST" or "PUT" or "PATCH")
        {
            var body = string.Join('&', Enumerable.Range(0, random.Next(0, 6)).Select(_ => Pair(random)));
            request.Content = (random.Next(5)) switch
            {
                0 => new StringContent(body, Encoding.UTF8, "application/x-www-form-urlencoded"),
                1 => new StringContent("{\"title\":" + Value(random) + ",\"type\":[1,{}]", Encoding.UTF8, "application/json"),
                2 => new ByteArrayContent([0xC3, 0x28, 0xFF, 0xFE, 0x00, 0x80]) { Headers = { { "Content-Type", "application/x-www-form-urlencoded" } } },
                3 => new ByteArrayContent(Encoding.UTF8.GetBytes(body)) { Headers = { { "Content-Type", "multipart/form-data; boundary=nothing-follows" } } },
                _ => new StringContent(body, Encoding.UTF8, "text/plain"),
            };
        }

        switch (random.Next(9))
        {
            case 0:
                request.Headers.TryAddWithoutValidation("Authorization", "Bearer " + Value(random));
                break;
            case 1:
                request.Headers.TryAddWithoutValidation("Authorization", "Basic " + Value(random));
                break;
            case 2:
                request.Headers.TryAddWithoutValidation("Cookie", "AgilePlanner=" + Value(random) + "; AgilePlanner.Flow=%%%");
                break;
            case 3:
                // From loopback, a known proxy: the forwarded headers are applied, then checked.
                request.Headers.TryAddWithoutValidation("X-Forwarded-Host", Hosts[random.Next(Hosts.Length)]);
                request.Headers.TryAddWithoutValidation("X-Forwarded-Proto", ForwardedProtos[random.Next(ForwardedProtos.Length)]);
                request.Headers.TryAddWithoutValidation("X-Forwarded-For", ForwardedFors[random.Next(ForwardedFors.Length)]);
                break;
            case 4:
                request.Headers.TryAddWithoutValidation("If-None-Match", Value(random));
                break;
            case 5:
            case 6:
                request.Headers.TryAddWithoutValidation("Host", Hosts[random.Next(Hosts.Length)]);
                break;
        }
        return request;
    }

    /// <summary>A redirect route (every one that takes a return URL) with a look-alike return URL, encoded as a browser would.</summary>
    private static HttpRequestMessage LookAlikeRedirect(Random random)
    {
        var route = RedirectRoutes[random.Next(RedirectRoutes.Length)];
        var value = Uri.EscapeDataString(LookAlikeReturnUrls[random.Next(LookAlikeReturnUrls.Length)]);
        return new HttpRequestMessage(HttpMethod.Get, $"{route}{(route.Contains('?') ? '&' : '?')}returnUrl={value}");
    }

    private static string Pair(Random random)
    {
        var name = random.Next(10) == 0 ? Value(random) : Names[random.Next(Names.Length)];
        return random.Next(8) == 0 ? Uri.EscapeDataString(name) : $"{Uri.EscapeDataString(name)}={Value(random)}";
    }

    /// <summary>An already-encoded hostile value: huge, malformed escapes, controls, scripts, traversal, numbers out of range.</summary>
    private static string Value(Random random) => random.Next(14) switch
    {
        0 => "",
        1 => new string('A', random.Next(1_000, 20_000)),
        2 => "%zz%",
        3 => "%E0%A4%A",
        4 => "%00%0d%0aSet-Cookie:%20x=1",
        5 => Uri.EscapeDataString("<script>alert(1)</script>"),
        6 => Uri.EscapeDataString("../../../etc/passwd"),
        7 => "-99999999999999999999",
        8 => Uri.EscapeDataString("//evil.test/\\x"),
        9 => "%C3%28%FF",
        10 => Uri.EscapeDataString("\u202Eevil\u0007\t"),
        11 => Uri.EscapeDataString(LookAlikeReturnUrls[random.Next(LookAlikeReturnUrls.Length)]),
        12 => Uri.EscapeDataString($"http://{Hosts[random.Next(Hosts.Length)]}/sandbox/"),
        _ => Uri.EscapeDataString(Convert.ToBase64String(BitConverter.GetBytes(random.NextInt64()))),
    };

    [Fact]
    public async Task Every_look_alike_return_url_survives_the_whole_flow_and_lands_on_a_page_of_the_app()
    {
        await _app.StartReadyAsync();
        using var browser = _app.CreateKestrelBrowser(new HostHeader());
        var failures = new List<string>();

        foreach (var returnUrl in LookAlikeReturnUrls.Where((_, i) => i % 3 == 0).Append("/\u3002/x").Append("/\uFF0F/x").Distinct())
        {
            var hops = await FlowAsync(browser, $"/connect?returnUrl={Uri.EscapeDataString(returnUrl)}");
            var last = hops[^1];
            if (hops.Any(hop => hop.Status >= 500) || last.Status != 200 || last.Url.Authority != browser.BaseAddress!.Authority)
            {
                failures.Add($"{Uri.EscapeDataString(returnUrl)}: {string.Join(" -> ", hops.Select(hop => $"{hop.Status} {hop.Url.PathAndQuery[..Math.Min(60, hop.Url.PathAndQuery.Length)]}"))}");
            }
        }

        Assert.Empty(failures);
        Assert.DoesNotContain(_app.Logs.Lines, line => line.StartsWith("Error", StringComparison.Ordinal) || line.StartsWith("Critical", StringComparison.Ordinal));
    }

    /// <summary>Return URLs for the sandbox: the look-alikes, and hosts written every way a browser might follow.</summary>
    private static readonly string[] SandboxReturnUrls = LookAlikeReturnUrls
        .Concat(Hosts.Take(8).SelectMany(host => new[] { $"//{host}/x", $"/\\{host}", $"https://{host}/sandbox", $"/sandbox/../{host}" }))
        .Concat(["//evil.test", "/\\evil.test", "https:evil.test", "/%2F/evil.test", "/sandbox/oauth/authorize?x=\u3002", "javascript:alert(1)"])
        .ToArray();

    [Fact]
    public async Task Every_redirect_parameter_of_the_sandbox_answers_a_page_or_a_4xx_on_the_site_whatever_its_value()
    {
        await _app.StartReadyAsync();
        var site = new Uri($"http://localhost:{_app.ListeningPort}/");
        using var anonymous = _app.CreateKestrelBrowser(new HostHeader());
        using var signedIn = _app.CreateKestrelBrowser(new HostHeader());
        var authorize = await SignedInAuthorizeQueryAsync(signedIn);
        var failures = new List<string>();

        async Task CheckAsync(HttpClient browser, HttpRequestMessage request, string value, Func<IHtmlDocument, Task>? onPage = null)
        {
            var described = $"{request.Method} {new Uri(site, request.RequestUri!).PathAndQuery} ({Uri.EscapeDataString(value)})";
            using (request)
            using (var response = await browser.SendAsync(request, TestContext.Current.CancellationToken))
            {
                var body = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
                var location = response.Headers.Location is { } header ? new Uri(site, header) : null;
                if ((int)response.StatusCode >= 500)
                {
                    failures.Add($"{(int)response.StatusCode} for {Shorten(described)}");
                }
                else if (Redirects.IsRedirect(response) && location?.Authority != site.Authority)
                {
                    failures.Add($"Location {location} for {Shorten(described)}");
                }
                else if (!Redirects.IsRedirect(response) && (int)response.StatusCode is not (200 or (>= 400 and < 500)))
                {
                    failures.Add($"{(int)response.StatusCode} for {Shorten(described)}");
                }
                else if (body.Contains("Exception", StringComparison.Ordinal) || body.Contains("   at ", StringComparison.Ordinal))
                {
                    failures.Add($"a stack trace for {Shorten(described)}");
                }
                else if (response.StatusCode == HttpStatusCode.OK && onPage is not null)
                {
                    await onPage(await Html.ParseAsync(response));
                }
                else if (onPage is not null && !Redirects.IsRedirect(response) && response.StatusCode != HttpStatusCode.BadRequest)
                {
                    failures.Add($"{(int)response.StatusCode}, not the page, for {Shorten(described)}");
                }
            }
        }

        foreach (var (index, value) in SandboxReturnUrls.Index())
        {
            var encoded = Uri.EscapeDataString(value);

            // The sign-in and sign-up pages, as linked, and through a proxy naming a hostile host.
            await CheckAsync(anonymous, Get($"/sandbox/signin?returnUrl={encoded}"), value);
            await CheckAsync(anonymous, Get($"/sandbox/signup?returnUrl={encoded}"), value);
            await CheckAsync(signedIn, Get($"/sandbox/signin?returnUrl={encoded}"), value);
            await CheckAsync(anonymous, Forwarded(Get($"/sandbox/signin?returnUrl={encoded}"), index), value);

            // The posts that redirect to it: the right password, a new account, and a form antiforgery refuses (its Try again link).
            using (var fresh = _app.CreateKestrelBrowser(new HostHeader()))
            {
                var signIn = await FormAsync(fresh, "/sandbox/signin", "form[action='/sandbox/signin']");
                await CheckAsync(fresh, Submission(signIn, new() { ["Email"] = SandboxUser.DemoEmail, ["Password"] = SandboxUser.DemoPassword, ["ReturnUrl"] = value }), value);
                var signUp = await FormAsync(fresh, "/sandbox/signup", "form[action='/sandbox/signup']");
                await CheckAsync(fresh, Submission(signUp, new()
                {
                    ["Name"] = "Look Alike", ["Email"] = $"look-alike-{index}@example.test", ["Company"] = "Campaign", ["Password"] = "Look-alike-Passw0rd!", ["ReturnUrl"] = value,
                }), value);
            }
            foreach (var path in new[] { "/sandbox/signin", "/sandbox/signup" })
            {
                await CheckAsync(anonymous, FormPost(path, ("Email", "a@example.test"), ("Password", "x"), ("ReturnUrl", value)), value);
            }

            // The authorization request: a hostile redirect_uri is refused; a hostile state survives consent (Allow and Deny) to the callback.
            await CheckAsync(signedIn, Get(Authorize(authorize, "redirect_uri", RedirectUriLookAlike(authorize["redirect_uri"], index, value))), value);
            await CheckAsync(anonymous, Get(Authorize(authorize, "state", value)), value);
            await CheckAsync(signedIn, Forwarded(Get(Authorize(authorize, "state", value)), index), value);
            await CheckAsync(signedIn, Get(Authorize(authorize, "state", value)), value, async consent =>
            {
                var form = consent.QuerySelector<IHtmlFormElement>("form[action='/sandbox/oauth/authorize']");
                if (form is null)
                {
                    failures.Add($"no consent form for state {Uri.EscapeDataString(value)}");
                    return;
                }
                await CheckAsync(signedIn, Submission(form, [], form.ButtonNamed(index % 2 == 0 ? "Allow" : "Deny")), value);
            });

            // Pages behind the sandbox's sign-in send the path back as the return URL.
            await CheckAsync(anonymous, Get($"/sandbox/account/apps?returnUrl={encoded}"), value);
            await CheckAsync(anonymous, Get($"/sandbox/developers/{encoded}"), value);
        }

        var errors = _app.Logs.Lines
            .Where(line => line.StartsWith("Error", StringComparison.Ordinal) || line.StartsWith("Critical", StringComparison.Ordinal))
            .ToList();
        Assert.True(failures.Count == 0, $"{failures.Count} failures: {string.Join("\n", failures.Take(10))}\nthe first error logged: {errors.Select(Shorten).FirstOrDefault()}");
        Assert.True(errors.Count == 0, $"{errors.Count} error log lines, the first: {string.Join("\n---\n", errors.Take(3).Select(Shorten))}");
    }

    private static HttpRequestMessage Get(string pathAndQuery) => new(HttpMethod.Get, pathAndQuery);

    /// <summary>The request as a proxy on loopback (trusted by default) would forward it for a hostile or malformed host.</summary>
    private static HttpRequestMessage Forwarded(HttpRequestMessage request, int index)
    {
        request.Headers.TryAddWithoutValidation("X-Forwarded-Host", Hosts[index % Hosts.Length]);
        request.Headers.TryAddWithoutValidation("X-Forwarded-Proto", ForwardedProtos[index % ForwardedProtos.Length]);
        return request;
    }

    private static HttpRequestMessage FormPost(string path, params (string Name, string Value)[] fields) =>
        new(HttpMethod.Post, path) { Content = new FormUrlEncodedContent(fields.Select(field => KeyValuePair.Create(field.Name, field.Value))) };

    /// <summary>What submitting the form sends, as a request to send (and check) later.</summary>
    private static HttpRequestMessage Submission(IHtmlFormElement form, Dictionary<string, string> fields, IHtmlElement? button = null)
    {
        foreach (var (name, value) in fields)
        {
            ((IHtmlInputElement)form.Elements[name]!).Value = value;
        }
        var submission = (button is null ? form.GetSubmission() : form.GetSubmission(button))!;
        var request = new HttpRequestMessage(HttpMethod.Post, new Uri(submission.Target.Href)) { Content = new StreamContent(submission.Body) };
        request.Content.Headers.TryAddWithoutValidation("Content-Type", submission.Headers["Content-Type"]);
        return request;
    }

    private static async Task<IHtmlFormElement> FormAsync(HttpClient browser, string path, string selector)
    {
        using var response = await browser.GetAsync(path, TestContext.Current.CancellationToken);
        var page = await Html.ParseAsync(response);
        return page.QuerySelector<IHtmlFormElement>(selector) ?? throw new InvalidOperationException($"No {selector} at {path}");
    }

    /// <summary>Signs the browser in at the sandbox and returns the parameters of the authorization request the app makes.</summary>
    private static async Task<Dictionary<string, string>> SignedInAuthorizeQueryAsync(HttpClient browser)
    {
        using var connect = await browser.GetAsync("/connect", TestContext.Current.CancellationToken);
        var query = ClientFlow.Query(connect.Headers.Location!);
        var signIn = await FormAsync(browser, "/sandbox/signin", "form[action='/sandbox/signin']");
        using var signedIn = await browser.SubmitAsync(signIn, new Dictionary<string, string> { ["Email"] = SandboxUser.DemoEmail, ["Password"] = SandboxUser.DemoPassword });
        Assert.True(Redirects.IsRedirect(signedIn), $"Sign-in answered {(int)signedIn.StatusCode}");
        return query;
    }

    private static string Authorize(Dictionary<string, string> query, string name, string value) =>
        "/sandbox/oauth/authorize" + QueryString.Create(query.Select(pair => KeyValuePair.Create(pair.Key, (string?)(pair.Key == name ? value : pair.Value))));

    /// <summary>The registered redirect URI with one of its <c>/ . :</c> swapped for a look-alike, or the hostile value itself.</summary>
    private static string RedirectUriLookAlike(string redirectUri, int index, string value)
    {
        var lookAlike = LookAlikes[index % LookAlikes.Length];
        return (index % 4) switch
        {
            0 => redirectUri.Replace("://", lookAlike + "//", StringComparison.Ordinal),
            1 => redirectUri.Replace("/callback", lookAlike + "callback", StringComparison.Ordinal),
            2 => redirectUri.Replace("localhost:", "localhost" + lookAlike, StringComparison.Ordinal).Replace("localhost", "localhost" + lookAlike + "evil.test", StringComparison.Ordinal),
            _ => value,
        };
    }

    /// <summary>Connect with the given path, sign in if asked, Allow, and every hop on the way with its status.</summary>
    private static async Task<List<(int Status, Uri Url)>> FlowAsync(HttpClient browser, string start)
    {
        var hops = new List<(int Status, Uri Url)>();
        var response = await browser.GetAsync(start, TestContext.Current.CancellationToken);
        for (var step = 0; step < 20; step++)
        {
            hops.Add(((int)response.StatusCode, response.RequestMessage!.RequestUri!));
            if (Redirects.IsRedirect(response))
            {
                var next = new Uri(response.RequestMessage.RequestUri!, response.Headers.Location!);
                response.Dispose();
                response = await browser.GetAsync(next, TestContext.Current.CancellationToken);
                continue;
            }
            if (response.StatusCode != HttpStatusCode.OK)
            {
                break;
            }
            var page = await Html.ParseAsync(response);
            if (page.QuerySelector("form[action='/sandbox/signin']") is IHtmlFormElement signIn)
            {
                response = await browser.SubmitAsync(signIn, new Dictionary<string, string> { ["Email"] = SandboxUser.DemoEmail, ["Password"] = SandboxUser.DemoPassword });
            }
            else if (page.QuerySelector("form[action='/sandbox/oauth/authorize']") is IHtmlFormElement consent)
            {
                response = await browser.SubmitAsync(consent, submitButton: consent.ButtonNamed("Allow"));
            }
            else
            {
                break;
            }
        }
        return hops;
    }

    private static string Shorten(string text) => text.Length <= 1500 ? text : text[..1500] + "…";

    /// <summary>Connect, sign in at the sandbox, Allow, and the account page shows Ada Lovelace.</summary>
    private async Task AssertTheFlowStillWorksAsync()
    {
        using var browser = _app.CreateKestrelBrowser(new HostHeader());
        var response = await Redirects.FollowAsync(browser, await browser.GetAsync("/connect", TestContext.Current.CancellationToken));
        var signIn = await Html.ParseAsync(response);
        var signInForm = signIn.QuerySelector<IHtmlFormElement>("form[action='/sandbox/signin']")!;
        response = await Redirects.FollowAsync(browser, await browser.SubmitAsync(signInForm, new Dictionary<string, string>
        {
            ["Email"] = SandboxUser.DemoEmail,
            ["Password"] = SandboxUser.DemoPassword,
        }));
        var consent = await Html.ParseAsync(response);
        var consentForm = consent.QuerySelector<IHtmlFormElement>("form[action='/sandbox/oauth/authorize']")!;
        response = await Redirects.FollowAsync(browser, await browser.SubmitAsync(consentForm, submitButton: consentForm.ButtonNamed("Allow")));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("/account", response.RequestMessage!.RequestUri!.AbsolutePath);
        var account = await Html.ParseAsync(response);
        Assert.Equal("Ada Lovelace", account.QuerySelector("[data-field=name]")?.TextContent);
    }


    public ValueTask DisposeAsync() => _app.DisposeAsync();
}
