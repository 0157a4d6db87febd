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
    public async Task Sign_up_creates_a_signed_in_account()
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
        Assert.Equal("/sandbox", response.Headers.Location!.OriginalString);
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
    public async Task Sign_up_with_a_taken_email_says_so_beside_the_email()
    {
        using var visitor = SandboxUser.Anonymous(_app);

        using var response = await visitor.SubmitSignUpAsync(new Dictionary<string, string>
        {
            ["Name"] = "Someone Else",
            ["Email"] = SandboxUser.DemoEmail,
            ["Company"] = "Elsewhere",
            ["Password"] = "another-password",
        });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var page = await Html.ParseAsync(response);
        Assert.Equal("An account with this email address already exists. Sign in instead.", ErrorFor(page, "Email"));
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
    public async Task Repeated_failed_sign_ins_lock_the_account()
    {
        using var visitor = SandboxUser.Anonymous(_app);
        for (var attempt = 0; attempt < 5; attempt++)
        {
            using var failed = await visitor.SubmitSignInAsync(SandboxUser.DemoEmail, "wrong-password");
        }

        using var response = await visitor.SubmitSignInAsync(SandboxUser.DemoEmail, SandboxUser.DemoPassword);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var page = await Html.ParseAsync(response);
        Assert.Contains("locked", page.QuerySelector(".errors")!.TextContent);
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
                Assert.NotNull(response.Headers.RetryAfter);
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

    private static string? ErrorFor(IHtmlDocument page, string field) =>
        page.QuerySelector($"[data-valmsg-for='{field}']")?.TextContent.Trim();

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public ValueTask DisposeAsync() => _app.DisposeAsync();
}
