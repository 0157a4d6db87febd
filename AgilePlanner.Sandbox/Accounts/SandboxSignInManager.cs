using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace AgilePlanner.Sandbox.Accounts;

/// <summary>Identity's sign-in manager, signing in to the sandbox's own cookie scheme.</summary>
public sealed class SandboxSignInManager : SignInManager<SandboxUser>
{
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
}
