using System.Net;
using AgilePlanner.WebApp.Tests.Infrastructure;
using AngleSharp.Html.Dom;

namespace AgilePlanner.WebApp.Tests.Sandbox;

/// <summary>Sign-up, sign-in, lockout and sign-out at the sandbox, through its HTML forms.</summary>
public sealed class AccountTests : IAsyncLifetime
{
    private readonly AgilePlannerAppFactory _app = new();

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Sign_up_creates_an_account_to_sign_in_with()
    {
        using var visitor = SandboxUser.Anonymous(_app);

        using var response = await visitor.SubmitSignUpAsync(new Dictionary<string, string>
        {
            ["Name"] = "Grace Hopper",
            ["Email"] = "grace@example.test",
            ["Company"] = "Eckert-Mauchly",
            ["Password"] = "compiler-1952",
        });

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/sandbox/signin?signedUp=true", response.Headers.Location!.OriginalString);
        var signIn = await visitor.GetPageAsync(response.Headers.Location!.OriginalString);
        Assert.Contains("Sign in with your email address and password", signIn.QuerySelector("#signed-up")!.TextContent);
        using var signedIn = await visitor.SubmitSignInAsync("grace@example.test", "compiler-1952");
        Assert.Equal(HttpStatusCode.Redirect, signedIn.StatusCode);
        var home = await visitor.GetPageAsync("/sandbox");
        Assert.Contains("signed in as Grace Hopper", home.QuerySelector("main")!.TextContent);
    }

    [Fact]
    public async Task Sign_up_with_bad_input_shows_each_error_beside_its_field()
    {
        using var visitor = SandboxUser.Anonymous(_app);

        using var response = await visitor.SubmitSignUpAsync(new Dictionary<string, string>
        {
            ["Name"] = "",
            ["Email"] = "not-an-email",
            ["Company"] = "",
            ["Password"] = "short",
        });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var page = await Html.ParseAsync(response);
        Assert.Equal("Enter your name.", ErrorFor(page, "Name"));
        Assert.Equal("Enter an email address like name@example.com.", ErrorFor(page, "Email"));
        Assert.Equal("Enter your company's name.", ErrorFor(page, "Company"));
        Assert.Equal("Choose a password of at least 8 characters.", ErrorFor(page, "Password"));
        Assert.Equal("not-an-email", ((IHtmlInputElement)page.QuerySelector("#Email")!).Value);
        Assert.Equal("", ((IHtmlInputElement)page.QuerySelector("#Password")!).Value);
    }

    [Fact]
    public async Task Sign_up_with_a_taken_email_answers_exactly_as_a_new_one_and_changes_nothing()
    {
        using var newcomer = SandboxUser.Anonymous(_app);
        using var impostor = SandboxUser.Anonymous(_app);
        var returnUrl = new AuthorizationRequest().ToUrl();

        using var fresh = await newcomer.SubmitSignUpAsync(SignUpFields("fresh@example.test"), returnUrl);
        using var taken = await impostor.SubmitSignUpAsync(SignUpFields(SandboxUser.DemoEmail), returnUrl);

        Assert.Equal(HttpStatusCode.Redirect, fresh.StatusCode);
        Assert.Equal(fresh.StatusCode, taken.StatusCode);
        Assert.Equal(fresh.Headers.Location, taken.Headers.Location);
        Assert.Equal(CookieNames(fresh), CookieNames(taken));
        Assert.Equal(await fresh.Content.ReadAsStringAsync(Cancel), await taken.Content.ReadAsStringAsync(Cancel));
        using var withNewPassword = await impostor.SubmitSignInAsync(SandboxUser.DemoEmail, "another-password");
        Assert.Equal(HttpStatusCode.OK, withNewPassword.StatusCode);
        using var demo = await SandboxUser.SignInAsync(_app);
    }

    [Theory]
    [InlineData("/\u3002/x")]
    [InlineData("/\uFF0F/x")]
    [InlineData("/\uFF0Fevil.test")]
    [InlineData("/sandbox\uFF1A8080/x")]
    [InlineData("/sandbox/\u2215x")]
    [InlineData("/sandbox/d\u00E9veloppeurs")]
    public async Task A_return_url_with_unicode_look_alikes_is_refused_not_thrown(string escaped)
    {
        var returnUrl = System.Text.RegularExpressions.Regex.Unescape(escaped);
        using var visitor = SandboxUser.Anonymous(_app);

        using var signInPage = await visitor.Browser.GetAsync("/sandbox/signin?returnUrl=" + Uri.EscapeDataString(returnUrl), Cancel);
        using var signUp = await visitor.SubmitSignUpAsync(SignUpFields($"u-{Guid.NewGuid():N}@example.test"), returnUrl);
        using var signIn = await visitor.SubmitSignInAsync(SandboxUser.DemoEmail, SandboxUser.DemoPassword, returnUrl);

        Assert.Equal(HttpStatusCode.OK, signInPage.StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, signUp.StatusCode);
        Assert.Equal("/sandbox/signin?signedUp=true", signUp.Headers.Location!.OriginalString);
        Assert.Equal(HttpStatusCode.Redirect, signIn.StatusCode);
        Assert.Equal("/sandbox", signIn.Headers.Location!.OriginalString);
    }

    [Fact]
    public async Task Sign_in_page_shows_the_demo_account_as_a_hint()
    {
        using var visitor = SandboxUser.Anonymous(_app);

        var page = await visitor.GetPageAsync("/sandbox/signin");

        var hint = page.QuerySelector("#demo-hint")!.TextContent;
        Assert.Contains("demo@agileplanner.test", hint);
        Assert.Contains("agile-demo", hint);
        Assert.Contains("Ada Lovelace", hint);
    }

    [Fact]
    public async Task Wrong_password_is_refused_with_a_message()
    {
        using var visitor = SandboxUser.Anonymous(_app);

        using var response = await visitor.SubmitSignInAsync(SandboxUser.DemoEmail, "wrong-password");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var page = await Html.ParseAsync(response);
        Assert.Contains("The email address or password is not right.", page.QuerySelector(".errors")!.TextContent);
    }

    [Fact]
    public async Task Repeated_failed_sign_ins_block_that_email_from_that_address()
    {
        using var visitor = SandboxUser.Anonymous(_app);
        for (var attempt = 0; attempt < 5; attempt++)
        {
            using var failed = await visitor.SubmitSignInAsync(SandboxUser.DemoEmail, "wrong-password");
        }

        using var response = await visitor.SubmitSignInAsync(SandboxUser.DemoEmail, SandboxUser.DemoPassword);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var page = await Html.ParseAsync(response);
        Assert.Contains("Too many failed sign-ins", page.QuerySelector(".errors")!.TextContent);
    }

    [Fact]
    public async Task Sign_in_posts_are_rate_limited()
    {
        _app.With("Sandbox:RateLimits:SignInPerMinute", "3");
        using var visitor = SandboxUser.Anonymous(_app);
        var page = await visitor.GetPageAsync("/sandbox/signin");
        var form = (IHtmlFormElement)page.QuerySelector("form[action='/sandbox/signin']")!;

        var statuses = new List<HttpStatusCode>();
        for (var attempt = 0; attempt < 4; attempt++)
        {
            using var response = await visitor.Browser.SubmitAsync(form, new Dictionary<string, string> { ["Email"] = "x@example.test", ["Password"] = "nope-nope" });
            statuses.Add(response.StatusCode);
            if (response.StatusCode == HttpStatusCode.TooManyRequests)
            {
                // A page in the sandbox's style with its headers, not plain text (issue 13, section 5).
                Assert.NotNull(response.Headers.RetryAfter?.Delta);
                Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
                SandboxPageHeadersTests.AssertPageHeaders(response, formAction: "'self'");
                var refused = await Html.ParseAsync(response);
                Assert.Equal("Too many attempts", refused.QuerySelector("h1")!.TextContent);
                Assert.Equal(((int)response.Headers.RetryAfter!.Delta!.Value.TotalSeconds).ToString(System.Globalization.CultureInfo.InvariantCulture), refused.QuerySelector("#retry-after")!.TextContent);
                Assert.Equal("/sandbox/assets/sandbox.css", refused.QuerySelector("link[rel=stylesheet]")!.GetAttribute("href"));
            }
        }

        Assert.Equal([HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.TooManyRequests], statuses);
    }

    [Theory]
    [InlineData("https://evil.test/")]
    [InlineData("//evil.test/")]
    [InlineData("/\\evil.test")]
    public async Task Sign_in_ignores_a_return_url_that_is_not_local(string returnUrl)
    {
        using var visitor = SandboxUser.Anonymous(_app);

        using var response = await visitor.SubmitSignInAsync(SandboxUser.DemoEmail, SandboxUser.DemoPassword, returnUrl);

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/sandbox", response.Headers.Location!.OriginalString);
    }

    [Fact]
    public async Task Sign_in_returns_to_a_local_return_url()
    {
        using var visitor = SandboxUser.Anonymous(_app);

        using var response = await visitor.SubmitSignInAsync(SandboxUser.DemoEmail, SandboxUser.DemoPassword, "/sandbox/developers");

        Assert.Equal("/sandbox/developers", response.Headers.Location!.OriginalString);
    }

    [Fact]
    public async Task Sign_out_is_a_protected_post_that_ends_the_sandbox_session()
    {
        using var ada = await SandboxUser.SignInAsync(_app);
        var home = await ada.GetPageAsync("/sandbox");
        var form = (IHtmlFormElement)home.QuerySelector("form[action='/sandbox/signout']")!;

        using var forged = await ada.Browser.PostAsync("/sandbox/signout", new FormUrlEncodedContent([]), Cancel);
        Assert.Equal(HttpStatusCode.BadRequest, forged.StatusCode);

        using var signedOut = await ada.Browser.SubmitAsync(form);
        Assert.Equal(HttpStatusCode.Redirect, signedOut.StatusCode);
        using var authorize = await ada.StartAuthorizationAsync(new AuthorizationRequest());
        Assert.Equal("/sandbox/signin", authorize.Headers.Location!.AbsolutePath);
    }

    [Fact]
    public async Task Sandbox_cookie_is_http_only_and_scoped_to_the_sandbox_path()
    {
        using var visitor = SandboxUser.Anonymous(_app);

        using var response = await visitor.SubmitSignInAsync(SandboxUser.DemoEmail, SandboxUser.DemoPassword);

        var cookie = response.Headers.GetValues("Set-Cookie").Single(c => c.StartsWith("AgilePlanner.Sandbox=", StringComparison.Ordinal));
        Assert.Contains("path=/sandbox", cookie);
        Assert.Contains("httponly", cookie);
        Assert.Contains("samesite=lax", cookie);
    }

    private static Dictionary<string, string> SignUpFields(string email) => new()
    {
        ["Name"] = "Grace Hopper", ["Email"] = email, ["Company"] = "Eckert-Mauchly", ["Password"] = "another-password",
    };

    private static IEnumerable<string> CookieNames(HttpResponseMessage response) =>
        response.Headers.TryGetValues("Set-Cookie", out var cookies) ? cookies.Select(c => c[..c.IndexOf('=')]).Order() : [];

    private static string? ErrorFor(IHtmlDocument page, string field) =>
        page.QuerySelector($"[data-valmsg-for='{field}']")?.TextContent.Trim();

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public ValueTask DisposeAsync() => _app.DisposeAsync();
}
