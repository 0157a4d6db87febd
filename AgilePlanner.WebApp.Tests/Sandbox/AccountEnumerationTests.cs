using System.Net;
using AgilePlanner.WebApp.Tests.Browser;
using AgilePlanner.WebApp.Tests.Infrastructure;
using AngleSharp.Dom;
using AngleSharp.Html.Dom;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using SandboxAccount = AgilePlanner.Sandbox.Accounts.SandboxUser;

namespace AgilePlanner.WebApp.Tests.Sandbox;

/// <summary>
/// Sign-in tells nobody which emails have accounts and cannot be used to keep a user out (issue 13, section 5): the same
/// words and the same password check for a known and an unknown email, and failures count per address and email.
/// </summary>
public sealed class AccountEnumerationTests : IAsyncLifetime
{
    private const string UnknownEmail = "nobody-here@example.test";
    private readonly AgilePlannerAppFactory _app = new();
    private readonly CountingPasswordHasher _hasher = new();

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_wrong_password_runs_one_password_check_for_a_known_and_for_an_unknown_email()
    {
        _app.ConfigureTestServices = services => services.Replace(ServiceDescriptor.Singleton<IPasswordHasher<SandboxAccount>>(_hasher));
        using var visitor = SandboxUser.Anonymous(_app);
        await visitor.GetPageAsync("/sandbox/signin");

        var known = await ChecksDuringAsync(() => visitor.SubmitSignInAsync(SandboxUser.DemoEmail, "wrong-password"));
        var unknown = await ChecksDuringAsync(() => visitor.SubmitSignInAsync(UnknownEmail, "wrong-password"));

        Assert.Equal((1, "The email address or password is not right."), known);
        Assert.Equal(known, unknown);
    }

    [Fact]
    public async Task Five_wrong_passwords_block_an_unknown_email_in_the_same_words_as_a_known_one()
    {
        using var visitor = SandboxUser.Anonymous(_app);
        var messages = new List<string>();
        foreach (var email in new[] { SandboxUser.DemoEmail, UnknownEmail })
        {
            for (var attempt = 0; attempt < 5; attempt++)
            {
                using var failed = await visitor.SubmitSignInAsync(email, "wrong-password");
            }
            using var sixth = await visitor.SubmitSignInAsync(email, "wrong-password");
            messages.Add((await Html.ParseAsync(sixth)).QuerySelector(".errors")!.TextContent.Trim());
        }

        Assert.StartsWith("Too many failed sign-ins", messages[0]);
        Assert.Equal(messages[0], messages[1]);
    }

    [Fact]
    public async Task Five_wrong_passwords_from_one_address_do_not_keep_the_user_out_from_another()
    {
        // Over real sockets: the attacker on 127.0.0.1, the account's owner on [::1].
        await using var live = new LiveApp();
        live.Start();
        using var attacker = OnAddress(live, "127.0.0.1");
        using var owner = OnAddress(live, "[::1]");

        for (var attempt = 0; attempt < 5; attempt++)
        {
            using var failed = await SignInAsync(attacker, SandboxUser.DemoPassword + "-wrong");
        }
        using var blocked = await SignInAsync(attacker, SandboxUser.DemoPassword);
        using var fromElsewhere = await SignInAsync(owner, SandboxUser.DemoPassword);

        Assert.Equal(HttpStatusCode.OK, blocked.StatusCode);
        Assert.StartsWith("Too many failed sign-ins", (await Html.ParseAsync(blocked)).QuerySelector(".errors")!.TextContent.Trim());
        Assert.Equal(HttpStatusCode.Redirect, fromElsewhere.StatusCode);
        Assert.Equal("/sandbox", fromElsewhere.Headers.Location!.OriginalString);
    }

    private async Task<(int Checks, string Message)> ChecksDuringAsync(Func<Task<HttpResponseMessage>> signIn)
    {
        var before = _hasher.Verifications;
        using var response = await signIn();
        var message = (await Html.ParseAsync(response)).QuerySelector(".errors")!.TextContent.Trim();
        return (_hasher.Verifications - before, message);
    }

    private static HttpClient OnAddress(LiveApp live, string host) =>
        new(new HttpClientHandler { AllowAutoRedirect = false, UseCookies = true, CookieContainer = new CookieContainer() })
        {
            BaseAddress = new Uri($"http://{host}:{live.Port}/"),
        };

    private static async Task<HttpResponseMessage> SignInAsync(HttpClient browser, string password)
    {
        using var page = await browser.GetAsync("/sandbox/signin", Cancel);
        var form = (await Html.ParseAsync(page)).QuerySelector<IHtmlFormElement>("form[action='/sandbox/signin']")!;
        return await browser.SubmitAsync(form, new Dictionary<string, string> { ["Email"] = SandboxUser.DemoEmail, ["Password"] = password });
    }

    /// <summary>Identity's own hasher, counting the password checks it is asked for.</summary>
    private sealed class CountingPasswordHasher : IPasswordHasher<SandboxAccount>
    {
        private readonly PasswordHasher<SandboxAccount> _inner = new();
        private int _verifications;

        public int Verifications => Volatile.Read(ref _verifications);

        public string HashPassword(SandboxAccount user, string password) => _inner.HashPassword(user, password);

        public PasswordVerificationResult VerifyHashedPassword(SandboxAccount user, string hashedPassword, string providedPassword)
        {
            Interlocked.Increment(ref _verifications);
            return _inner.VerifyHashedPassword(user, hashedPassword, providedPassword);
        }
    }

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public ValueTask DisposeAsync() => _app.DisposeAsync();
}
