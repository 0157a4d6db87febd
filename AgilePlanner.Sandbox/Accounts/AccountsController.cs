using AgilePlanner.Sandbox.Hosting;
using AgilePlanner.Sandbox.Seeding;
using AgilePlanner.Sandbox.Storage;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OpenIddict.Abstractions;

namespace AgilePlanner.Sandbox.Accounts;

/// <summary>Sign-up, sign-in and sign-out of Agile Planner accounts, on the sandbox's own cookie.</summary>
[SandboxPage]
internal sealed partial class AccountsController(
    SandboxSignInManager signInManager,
    SignInThrottle throttle,
    UserManager<SandboxUser> users,
    SandboxDbContext db,
    TimeProvider time,
    IOpenIddictApplicationManager applications,
    IOptionsSnapshot<SandboxOptions> options,
    ILogger<AccountsController> logger) : Controller
{
    private const string Home = "/sandbox";

    [HttpGet("/sandbox")]
    public async Task<IActionResult> Index()
    {
        var result = await HttpContext.AuthenticateAsync(SandboxIdentity.Scheme);
        ViewData["SignedInAs"] = result.Principal is { } principal ? (await users.GetUserAsync(principal))?.Name : null;
        return View("/Accounts/Index.cshtml");
    }

    [HttpGet("/sandbox/signin")]
    public Task<IActionResult> SignIn(string? returnUrl, bool signedUp = false)
    {
        var form = new SignInForm { ReturnUrl = LocalOrNull(returnUrl) };
        ViewData["SignedUp"] = signedUp;
        return FormPageAsync("/Accounts/SignIn.cshtml", form, form.ReturnUrl);
    }

    [HttpPost("/sandbox/signin")]
    [ValidateAntiForgeryToken]
    public async Task<IActionResult> SignIn([FromForm] SignInForm form)
    {
        form.ReturnUrl = LocalOrNull(form.ReturnUrl);
        if (!ModelState.IsValid)
        {
            return await FormPageAsync("/Accounts/SignIn.cshtml", form, form.ReturnUrl);
        }

        var address = HttpContext.Connection.RemoteIpAddress;
        if (throttle.IsBlocked(address, form.Email!))
        {
            // Said for any email, with or without an account, and only to this address.
            LogLockedOut(logger);
            ModelState.AddModelError("", "Too many failed sign-ins with this email address from your network. Wait a few minutes and try again.");
            return await FormPageAsync("/Accounts/SignIn.cshtml", form, form.ReturnUrl);
        }

        var result = await signInManager.PasswordSignInAsync(form.Email!, form.Password!, isPersistent: false, lockoutOnFailure: false);
        if (result.Succeeded)
        {
            throttle.Reset(address, form.Email!);
            LogSignedIn(logger);
            return LocalRedirect(form.ReturnUrl ?? Home);
        }

        throttle.RecordFailure(address, form.Email!);
        LogSignInFailed(logger);
        ModelState.AddModelError("", "The email address or password is not right.");
        return await FormPageAsync("/Accounts/SignIn.cshtml", form, form.ReturnUrl);
    }

    [HttpGet("/sandbox/signup")]
    public Task<IActionResult> SignUp(string? returnUrl)
    {
        var form = new SignUpForm { ReturnUrl = LocalOrNull(returnUrl) };
        return FormPageAsync("/Accounts/SignUp.cshtml", form, form.ReturnUrl);
    }

    [HttpPost("/sandbox/signup")]
    [ValidateAntiForgeryToken]
    public async Task<IActionResult> SignUp([FromForm] SignUpForm form)
    {
        form.ReturnUrl = LocalOrNull(form.ReturnUrl);
        if (!ModelState.IsValid)
        {
            return await FormPageAsync("/Accounts/SignUp.cshtml", form, form.ReturnUrl);
        }

        var now = time.GetUtcNow().UtcDateTime;
        var user = new SandboxUser
        {
            UserName = form.Email!.Trim(),
            Email = form.Email.Trim(),
            Name = form.Name!.Trim(),
            Company = form.Company!.Trim(),
            CreatedAt = now,
        };
        var created = await users.CreateAsync(user, form.Password!);
        var taken = created.Errors.Any(IsTakenEmail);
        if (!created.Succeeded && !taken)
        {
            foreach (var (field, message) in created.Errors.Select(e => (FieldOf(e), e.Description)).Distinct())
            {
                ModelState.AddModelError(field, message);
            }
            return await FormPageAsync("/Accounts/SignUp.cshtml", form, form.ReturnUrl);
        }

        if (created.Succeeded)
        {
            db.Projects.Add(PlanningData.StarterProjectFor(user.Id, now));
            await db.SaveChangesAsync(HttpContext.RequestAborted);
            LogSignedUp(logger);
        }
        else
        {
            LogSignUpForTakenEmail(logger);
        }

        // A new and a taken email address get the same answer, so sign-up never tells whether an account exists:
        // both go on to sign in (a real service would send an email instead).
        return LocalRedirect(SignInAfterSignUp(form.ReturnUrl));
    }

    private static string SignInAfterSignUp(string? returnUrl) =>
        "/sandbox/signin?signedUp=true" + (returnUrl is null ? "" : "&returnUrl=" + Uri.EscapeDataString(returnUrl));

    private static bool IsTakenEmail(IdentityError error) =>
        error.Code is nameof(IdentityErrorDescriber.DuplicateUserName) or nameof(IdentityErrorDescriber.DuplicateEmail);

    [HttpPost("/sandbox/signout")]
    [ValidateAntiForgeryToken]
    public async Task<IActionResult> SignOutOfSandbox()
    {
        await HttpContext.SignOutAsync(SandboxIdentity.Scheme);
        return LocalRedirect("/sandbox/signin");
    }

    private async Task<IActionResult> FormPageAsync(string view, object form, string? returnUrl)
    {
        await AllowRememberedConsentRedirectAsync(returnUrl);
        return View(view, form);
    }

    /// <summary>
    /// With remembered consent, signing in for an authorization request ends in a redirect to the client's callback;
    /// the form may lead there only when that callback is registered for the client (the same check as the authorize endpoint).
    /// </summary>
    private async Task AllowRememberedConsentRedirectAsync(string? returnUrl)
    {
        if (!options.Value.RememberConsent || returnUrl is null
            || !Uri.TryCreate(new Uri("http://sandbox.invalid"), returnUrl, out var target)
            || !target.AbsolutePath.Equals("/sandbox/oauth/authorize", StringComparison.OrdinalIgnoreCase))
        {
            return;
        }

        var query = QueryHelpers.ParseQuery(target.Query);
        if (query.TryGetValue(OpenIddictConstants.Parameters.ClientId, out var clientIds) && clientIds is [{ Length: > 0 } clientId]
            && query.TryGetValue(OpenIddictConstants.Parameters.RedirectUri, out var redirectUris) && redirectUris is [{ Length: > 0 } redirectUri]
            && await applications.FindByClientIdAsync(clientId, HttpContext.RequestAborted) is { } application
            && await applications.ValidateRedirectUriAsync(application, redirectUri, HttpContext.RequestAborted))
        {
            SandboxPageHeaders.AllowFormRedirectTo(HttpContext, redirectUri);
        }
    }

    // Only local return URLs: the sign-in page must not become an open redirector. Only printable ASCII, too: a
    // Location header cannot carry anything else, and look-alikes of / . : (U+3002, U+FF0F) would otherwise throw.
    private string? LocalOrNull(string? returnUrl) =>
        !string.IsNullOrEmpty(returnUrl) && Url.IsLocalUrl(returnUrl) && LocalReturnUrl.IsPrintableAscii(returnUrl) ? returnUrl : null;

    private static string FieldOf(IdentityError error) => error.Code switch
    {
        nameof(IdentityErrorDescriber.DuplicateUserName) or nameof(IdentityErrorDescriber.DuplicateEmail)
            or nameof(IdentityErrorDescriber.InvalidEmail) or nameof(IdentityErrorDescriber.InvalidUserName) => nameof(SignUpForm.Email),
        _ when error.Code.StartsWith("Password", StringComparison.Ordinal) => nameof(SignUpForm.Password),
        _ => "",
    };

    [LoggerMessage(1, LogLevel.Information, "Sandbox sign-in succeeded")]
    private static partial void LogSignedIn(ILogger logger);

    [LoggerMessage(2, LogLevel.Warning, "Sandbox sign-in failed")]
    private static partial void LogSignInFailed(ILogger logger);

    [LoggerMessage(3, LogLevel.Warning, "Sandbox sign-in refused: too many failures for this email from this address")]
    private static partial void LogLockedOut(ILogger logger);

    [LoggerMessage(4, LogLevel.Information, "Sandbox account created")]
    private static partial void LogSignedUp(ILogger logger);

    [LoggerMessage(5, LogLevel.Information, "Sandbox sign-up for an email that has an account: answered as a new one, nothing created")]
    private static partial void LogSignUpForTakenEmail(ILogger logger);
}
