using System.Net;
using AngleSharp.Dom;
using AngleSharp.Html.Dom;

namespace AgilePlanner.WebApp.Tests.Infrastructure;

/// <summary>
/// A person at the sandbox in a browser of their own (cookies kept, redirects not followed): signs up or in
/// through the real HTML forms, then runs the authorization code flow by hand and hands back the tokens.
/// Reusable by any test that needs a sandbox account or a token: <c>await SandboxUser.SignInAsync(app)</c>.
/// </summary>
public sealed class SandboxUser : IDisposable
{
    public const string DemoEmail = "demo@agileplanner.test";
    public const string DemoPassword = "agile-demo";

    private SandboxUser(AgilePlannerAppFactory app, HttpClient browser)
    {
        App = app;
        Browser = browser;
    }

    public AgilePlannerAppFactory App { get; }

    /// <summary>This person's browser: no auto-redirect, cookies kept.</summary>
    public HttpClient Browser { get; }

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    /// <summary>Signs in with the sign-in form (the demo account by default) and checks it worked.</summary>
    public static async Task<SandboxUser> SignInAsync(AgilePlannerAppFactory app, string email = DemoEmail, string password = DemoPassword)
    {
        var user = new SandboxUser(app, app.CreateBrowser());
        using var response = await user.SubmitSignInAsync(email, password);
        if (response.StatusCode != HttpStatusCode.Redirect)
        {
            throw new InvalidOperationException($"Sign-in as {email} failed: {(int)response.StatusCode}.");
        }
        return user;
    }

    /// <summary>A fresh account through the sign-up form, then signed in with it (sign-up itself signs nobody in).</summary>
    public static async Task<SandboxUser> SignUpAsync(
        AgilePlannerAppFactory app, string? email = null, string name = "Grace Hopper", string company = "Eckert-Mauchly", string password = "compiler-1952")
    {
        var user = new SandboxUser(app, app.CreateBrowser());
        email ??= $"grace-{Guid.NewGuid():N}@example.test";
        using var response = await user.SubmitSignUpAsync(new Dictionary<string, string>
        {
            ["Name"] = name,
            ["Email"] = email,
            ["Company"] = company,
            ["Password"] = password,
        });
        if (response.StatusCode != HttpStatusCode.Redirect)
        {
            throw new InvalidOperationException($"Sign-up failed: {(int)response.StatusCode}.");
        }
        using var signedIn = await user.SubmitSignInAsync(email, password);
        if (signedIn.StatusCode != HttpStatusCode.Redirect)
        {
            throw new InvalidOperationException($"Sign-in after sign-up as {email} failed: {(int)signedIn.StatusCode}.");
        }
        return user;
    }

    /// <summary>A browser that has not signed in.</summary>
    public static SandboxUser Anonymous(AgilePlannerAppFactory app) => new(app, app.CreateBrowser());

    public async Task<HttpResponseMessage> SubmitSignInAsync(string email, string password, string? returnUrl = null)
    {
        var page = await GetPageAsync("/sandbox/signin" + (returnUrl is null ? "" : "?returnUrl=" + Uri.EscapeDataString(returnUrl)));
        var form = page.QuerySelector<IHtmlFormElement>("form[action='/sandbox/signin']")!;
        return await Browser.SubmitAsync(form, new Dictionary<string, string> { ["Email"] = email, ["Password"] = password });
    }

    public async Task<HttpResponseMessage> SubmitSignUpAsync(IReadOnlyDictionary<string, string> fields, string? returnUrl = null)
    {
        var page = await GetPageAsync("/sandbox/signup" + (returnUrl is null ? "" : "?returnUrl=" + Uri.EscapeDataString(returnUrl)));
        var form = page.QuerySelector<IHtmlFormElement>("form[action='/sandbox/signup']")!;
        return await Browser.SubmitAsync(form, fields);
    }

    public async Task<IHtmlDocument> GetPageAsync(string path)
    {
        using var response = await Browser.GetAsync(path, Cancel);
        return await Html.ParseAsync(response);
    }

    /// <summary>Sends the authorization request; a signed-in user gets the consent page back.</summary>
    public Task<HttpResponseMessage> StartAuthorizationAsync(AuthorizationRequest request) =>
        Browser.GetAsync(request.ToUrl(), Cancel);

    /// <summary>Clicks Allow or Deny on a consent page.</summary>
    public async Task<HttpResponseMessage> DecideAsync(HttpResponseMessage consentPage, string button)
    {
        var page = await Html.ParseAsync(consentPage);
        var form = page.QuerySelector<IHtmlFormElement>("form[action='/sandbox/oauth/authorize']")
            ?? throw new InvalidOperationException("No consent form on the page: " + page.Title);
        return await Browser.SubmitAsync(form, submitButton: form.ButtonNamed(button));
    }

    /// <summary>Authorize, then Allow or Deny: the query parameters the browser is sent back to the callback with.</summary>
    public async Task<CallbackParameters> AuthorizeAsync(AuthorizationRequest request, string button = "Allow")
    {
        using var consent = await StartAuthorizationAsync(request);
        if (consent.StatusCode != HttpStatusCode.OK)
        {
            throw new InvalidOperationException($"Expected the consent page, got {(int)consent.StatusCode} {consent.Headers.Location}.");
        }
        using var decided = await DecideAsync(consent, button);
        return CallbackParameters.From(decided);
    }

    /// <summary>The whole code flow with PKCE: authorize, Allow, redeem the code. Returns the token JSON.</summary>
    public async Task<TokenResponse> GetTokensAsync(string scope = "read", SandboxClient? client = null)
    {
        client ??= SandboxClient.WebApp;
        var request = AuthorizationRequest.For(client, scope);
        var callback = await AuthorizeAsync(request);
        using var http = App.CreateClient();
        using var response = await SandboxTokens.RedeemCodeAsync(http, callback.Code!, request, client);
        var tokens = await SandboxTokens.ReadAsync(response);
        if (response.StatusCode != HttpStatusCode.OK)
        {
            throw new InvalidOperationException($"Code redemption failed: {tokens.Error} {tokens.ErrorDescription}");
        }
        return tokens;
    }

    public void Dispose() => Browser.Dispose();
}
