using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace AgilePlanner.Sandbox.Accounts;

/// <summary>
/// Identity's sign-in manager, signing in to the sandbox's own cookie scheme. A password for an email no account has
/// is checked against a placeholder hash, so a wrong password costs the same whether the account exists or not.
/// </summary>
internal sealed class SandboxSignInManager : SignInManager<SandboxUser>
{
    private static readonly SandboxUser Placeholder = new() { UserName = "placeholder", Name = "placeholder" };
    private static string? s_placeholderHash;

    public SandboxSignInManager(
        UserManager<SandboxUser> userManager,
        IHttpContextAccessor contextAccessor,
        IUserClaimsPrincipalFactory<SandboxUser> claimsFactory,
        IOptions<IdentityOptions> optionsAccessor,
        ILogger<SignInManager<SandboxUser>> logger,
        IAuthenticationSchemeProvider schemes,
        IUserConfirmation<SandboxUser> confirmation)
        : base(userManager, contextAccessor, claimsFactory, optionsAccessor, logger, schemes, confirmation)
    {
        AuthenticationScheme = SandboxIdentity.Scheme;
    }

    public override async Task<SignInResult> PasswordSignInAsync(string userName, string password, bool isPersistent, bool lockoutOnFailure)
    {
        var user = await UserManager.FindByNameAsync(userName);
        if (user is null)
        {
            // The same hashing work as a real account's wrong password: no timing tells which emails have accounts.
            UserManager.PasswordHasher.VerifyHashedPassword(Placeholder, PlaceholderHash(), password);
            return SignInResult.Failed;
        }
        return await PasswordSignInAsync(user, password, isPersistent, lockoutOnFailure);
    }

    private string PlaceholderHash() =>
        s_placeholderHash ??= UserManager.PasswordHasher.HashPassword(Placeholder, Guid.NewGuid().ToString("N"));
}
