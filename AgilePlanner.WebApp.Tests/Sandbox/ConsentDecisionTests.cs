using System.Net;
using AgilePlanner.WebApp.Tests.Infrastructure;
using AngleSharp.Dom;
using AngleSharp.Html.Dom;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace AgilePlanner.WebApp.Tests.Sandbox;

/// <summary>
/// The consent decision is the button the user clicked, for the request shown to them, once: the form carries a handle
/// to a stored copy of the request, never the request's own parameters (issue 13, "Deny grants access").
/// </summary>
public sealed class ConsentDecisionTests : IAsyncLifetime
{
    private const string ClosedHeading = "This request was already answered or has expired";
    private readonly AgilePlannerAppFactory _app = new();

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Deny_stays_deny_when_decision_allow_is_appended_to_the_authorization_request()
    {
        var thirdParty = SandboxClient.RegisterOther(_app);
        using var ada = await SandboxUser.SignInAsync(_app);
        var request = AuthorizationRequest.For(thirdParty, "read write");

        using var consent = await ada.Browser.GetAsync(request.ToUrl() + "&decision=allow", Cancel);
        Assert.Equal(HttpStatusCode.OK, consent.StatusCode);
        using var denied = await ada.DecideAsync(consent, "Deny");

        var callback = CallbackParameters.From(denied);
        Assert.Equal(HttpStatusCode.Redirect, callback.Status);
        Assert.StartsWith(thirdParty.RedirectUri + "?", callback.Location!.ToString());
        Assert.Equal("access_denied", callback.Error);
        Assert.Equal(request.State, callback.State);
        Assert.Null(callback.Code);
    }

    [Fact]
    public async Task The_consent_form_holds_no_parameter_of_the_request()
    {
        using var ada = await SandboxUser.SignInAsync(_app);
        var request = new AuthorizationRequest();

        using var consent = await ada.Browser.GetAsync(request.ToUrl() + "&decision=allow&consent=x&extra=1", Cancel);

        var form = (await Html.ParseAsync(consent)).QuerySelector<IHtmlFormElement>("form[action='/sandbox/oauth/authorize']")!;
        var fields = form.Elements.OfType<IHtmlInputElement>().Select(input => input.Name).ToList();
        Assert.Equal(["__RequestVerificationToken", "consent"], fields.Order(StringComparer.Ordinal));
        Assert.DoesNotContain(request.State!, form.OuterHtml, StringComparison.Ordinal);
        Assert.DoesNotContain(request.CodeChallenge, form.OuterHtml, StringComparison.Ordinal);
        Assert.Equal(["allow", "deny"], form.QuerySelectorAll("button[name=decision]").Select(b => b.GetAttribute("value")!));
    }

    [Fact]
    public async Task A_consent_posted_twice_gets_a_clear_page_and_no_second_code()
    {
        using var ada = await SandboxUser.SignInAsync(_app);
        var request = new AuthorizationRequest();
        using var consent = await ada.StartAuthorizationAsync(request);
        var form = (await Html.ParseAsync(consent)).QuerySelector<IHtmlFormElement>("form[action='/sandbox/oauth/authorize']")!;

        using var first = await ada.Browser.SubmitAsync(form, submitButton: form.ButtonNamed("Allow"));
        using var second = await ada.Browser.SubmitAsync(form, submitButton: form.ButtonNamed("Allow"));

        Assert.NotNull(CallbackParameters.From(first).Code);
        Assert.Equal(HttpStatusCode.BadRequest, second.StatusCode);
        Assert.Null(second.Headers.Location);
        var page = await Html.ParseAsync(second);
        Assert.Equal(ClosedHeading, page.QuerySelector("h1")!.TextContent);
        Assert.Contains("Nothing more was sent to the application", page.QuerySelector("#consent-closed")!.TextContent);
        SandboxPageHeadersTests.AssertPageHeaders(second, formAction: "'self'");
    }

    [Fact]
    public async Task Deny_then_allow_on_the_same_page_gives_no_code()
    {
        using var ada = await SandboxUser.SignInAsync(_app);
        using var consent = await ada.StartAuthorizationAsync(new AuthorizationRequest());
        var form = (await Html.ParseAsync(consent)).QuerySelector<IHtmlFormElement>("form[action='/sandbox/oauth/authorize']")!;

        using var denied = await ada.Browser.SubmitAsync(form, submitButton: form.ButtonNamed("Deny"));
        using var allowed = await ada.Browser.SubmitAsync(form, submitButton: form.ButtonNamed("Allow"));

        Assert.Equal("access_denied", CallbackParameters.From(denied).Error);
        Assert.Equal(HttpStatusCode.BadRequest, allowed.StatusCode);
        Assert.Null(allowed.Headers.Location);
    }

    [Fact]
    public async Task Another_users_consent_handle_is_refused_and_stays_usable_by_its_own_user()
    {
        using var ada = await SandboxUser.SignInAsync(_app);
        var adaRequest = new AuthorizationRequest();
        using var adaConsent = await ada.StartAuthorizationAsync(adaRequest);
        var adaForm = (await Html.ParseAsync(adaConsent)).QuerySelector<IHtmlFormElement>("form[action='/sandbox/oauth/authorize']")!;
        var adaHandle = ((IHtmlInputElement)adaForm.Elements["consent"]!).Value;

        using var grace = await SandboxUser.SignUpAsync(_app);
        using var graceConsent = await grace.StartAuthorizationAsync(new AuthorizationRequest());
        var graceForm = (await Html.ParseAsync(graceConsent)).QuerySelector<IHtmlFormElement>("form[action='/sandbox/oauth/authorize']")!;
        using var stolen = await grace.Browser.SubmitAsync(graceForm, new Dictionary<string, string> { ["consent"] = adaHandle }, graceForm.ButtonNamed("Allow"));

        Assert.Equal(HttpStatusCode.BadRequest, stolen.StatusCode);
        Assert.Null(stolen.Headers.Location);
        using var own = await ada.Browser.SubmitAsync(adaForm, submitButton: adaForm.ButtonNamed("Allow"));
        var callback = CallbackParameters.From(own);
        Assert.Equal(adaRequest.State, callback.State);
        Assert.NotNull(callback.Code);
    }

    [Fact]
    public async Task A_consent_page_left_open_past_its_lifetime_issues_no_code()
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 3, 2, 9, 0, 0, TimeSpan.Zero));
        _app.ConfigureTestServices = services => services.AddSingleton<TimeProvider>(clock);
        using var ada = await SandboxUser.SignInAsync(_app);
        using var consent = await ada.StartAuthorizationAsync(new AuthorizationRequest());

        clock.Advance(TimeSpan.FromMinutes(10) + TimeSpan.FromSeconds(1));
        using var late = await ada.DecideAsync(consent, "Allow");

        Assert.Equal(HttpStatusCode.BadRequest, late.StatusCode);
        Assert.Equal(ClosedHeading, (await Html.ParseAsync(late)).QuerySelector("h1")!.TextContent);
    }

    [Fact]
    public async Task A_decision_without_a_stored_request_is_refused_even_with_every_parameter_posted()
    {
        using var ada = await SandboxUser.SignInAsync(_app);
        var request = new AuthorizationRequest();
        using var consent = await ada.StartAuthorizationAsync(request);
        var form = (await Html.ParseAsync(consent)).QuerySelector<IHtmlFormElement>("form[action='/sandbox/oauth/authorize']")!;
        // The old form: the request's parameters as fields, the consent handle gone.
        form.Elements["consent"]!.Remove();
        foreach (var (name, value) in Microsoft.AspNetCore.WebUtilities.QueryHelpers.ParseQuery(new Uri("http://x" + request.ToUrl()).Query))
        {
            var input = (IHtmlInputElement)form.Owner!.CreateElement("input");
            input.Type = "hidden";
            input.Name = name;
            input.Value = value.ToString();
            form.AppendChild(input);
        }

        using var posted = await ada.Browser.SubmitAsync(form, submitButton: form.ButtonNamed("Allow"));

        Assert.Equal(HttpStatusCode.BadRequest, posted.StatusCode);
        Assert.Null(posted.Headers.Location);
    }

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public ValueTask DisposeAsync() => _app.DisposeAsync();
}
