using AgilePlanner.Sandbox.Hosting;
using AgilePlanner.Sandbox.Seeding;
using AgilePlanner.Sandbox.Storage;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Logging;

namespace AgilePlanner.Sandbox.Accounts;

/// <summary>Sign-up, sign-in and sign-out of Agile Planner accounts, on the sandbox's own cookie.</summary>
[SandboxPage]
public sealed partial class AccountsController(
    SandboxSignInManager signInManager,
    UserManager<SandboxUser> users,
    SandboxDbContext db,
    TimeProvider time,
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
    public IActionResult SignIn(string? returnUrl) =>
        View("/Accounts/SignIn.cshtml", new SignInForm { ReturnUrl = LocalOrNull(returnUrl) });

    [HttpPost("/sandbox/signin")]
    [ValidateAntiForgeryToken]
    public async Task<IActionResult> SignIn([FromForm] SignInForm form)
    {
        form.ReturnUrl = LocalOrNull(form.ReturnUrl);
        if (!ModelState.IsValid)
        {
            return View("/Accounts/SignIn.cshtml", form);
        }

        var result = await signInManager.PasswordSignInAsync(form.Email!, form.Password!, isPersistent: false, lockoutOnFailure: true);
        if (result.Succeeded)
        {
            LogSignedIn(logger);
            return LocalRedirect(form.ReturnUrl ?? Home);
        }

        if (result.IsLockedOut)
        {
            LogLockedOut(logger);
            ModelState.AddModelError("", "This account is locked after too many failed sign-ins. Try again in a few minutes.");
        }
        else
        {
            LogSignInFailed(logger);
            ModelState.AddModelError("", "The email address or password is not right.");
        }
        return View("/Accounts/SignIn.cshtml", form);
    }

    [HttpGet("/sandbox/signup")]
    public IActionResult SignUp(string? returnUrl) =>
        View("/Accounts/SignUp.cshtml", new SignUpForm { ReturnUrl = LocalOrNull(returnUrl) });

    [HttpPost("/sandbox/signup")]
    [ValidateAntiForgeryToken]
    public async Task<IActionResult> SignUp([FromForm] SignUpForm form)
    {
        form.ReturnUrl = LocalOrNull(form.ReturnUrl);
        if (!ModelState.IsValid)
        {
            return View("/Accounts/SignUp.cshtml", form);
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
        if (!created.Succeeded)
        {
            foreach (var (field, message) in created.Errors.Select(e => (FieldOf(e), MessageOf(e))).Distinct())
            {
                ModelState.AddModelError(field, message);
            }
            return View("/Accounts/SignUp.cshtml", form);
        }

        db.Projects.Add(PlanningData.StarterProjectFor(user.Id, now));
        await db.SaveChangesAsync(HttpContext.RequestAborted);
        await signInManager.SignInAsync(user, isPersistent: false);
        LogSignedUp(logger);
        return LocalRedirect(form.ReturnUrl ?? Home);
    }

    [HttpPost("/sandbox/signout")]
    [ValidateAntiForgeryToken]
    public async Task<IActionResult> SignOutOfSandbox()
    {
        await HttpContext.SignOutAsync(SandboxIdentity.Scheme);
        return LocalRedirect("/sandbox/signin");
    }

    // Only local return URLs: the sign-in page must not become an open redirector.
    private string? LocalOrNull(string? returnUrl) =>
        !string.IsNullOrEmpty(returnUrl) && Url.IsLocalUrl(returnUrl) ? returnUrl : null;

    private static string FieldOf(IdentityError error) => error.Code switch
    {
        nameof(IdentityErrorDescriber.DuplicateUserName) or nameof(IdentityErrorDescriber.DuplicateEmail)
            or nameof(IdentityErrorDescriber.InvalidEmail) or nameof(IdentityErrorDescriber.InvalidUserName) => nameof(SignUpForm.Email),
        _ when error.Code.StartsWith("Password", StringComparison.Ordinal) => nameof(SignUpForm.Password),
        _ => "",
    };

    private static string MessageOf(IdentityError error) => error.Code switch
    {
        // Both codes fire for one taken address; say it once, in words about email.
        nameof(IdentityErrorDescriber.DuplicateUserName) or nameof(IdentityErrorDescriber.DuplicateEmail) =>
            "An account with this email address already exists. Sign in instead.",
        _ => error.Description,
    };

    [LoggerMessage(1, LogLevel.Information, "Sandbox sign-in succeeded")]
    private static partial void LogSignedIn(ILogger logger);

    [LoggerMessage(2, LogLevel.Warning, "Sandbox sign-in failed")]
    private static partial void LogSignInFailed(ILogger logger);

    [LoggerMessage(3, LogLevel.Warning, "Sandbox sign-in refused: account locked out")]
    private static partial void LogLockedOut(ILogger logger);

    [LoggerMessage(4, LogLevel.Information, "Sandbox account created")]
    private static partial void LogSignedUp(ILogger logger);
}
