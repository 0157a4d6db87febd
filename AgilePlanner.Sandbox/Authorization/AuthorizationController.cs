using System.Globalization;
using System.Security.Claims;
using AgilePlanner.Sandbox.Accounts;
using AgilePlanner.Sandbox.Hosting;
using Microsoft.AspNetCore;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Tokens;
using OpenIddict.Abstractions;
using OpenIddict.Server.AspNetCore;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace AgilePlanner.Sandbox.Authorization;

/// <summary>
/// The authorization endpoint's page: OpenIddict validates the request (client, redirect URI, PKCE, scopes)
/// and hands it here; the signed-in user then allows or denies the application on the consent page.
/// </summary>
[SandboxPage]
internal sealed partial class AuthorizationController(
    IOpenIddictApplicationManager applications,
    IOpenIddictAuthorizationManager authorizations,
    PendingConsents consents,
    Developers.DeveloperApps developerApps,
    UserManager<SandboxUser> users,
    IOptionsSnapshot<SandboxOptions> options,
    ILogger<AuthorizationController> logger) : Controller
{
    public const string DeniedDescription = "The user denied the application access to their Agile Planner account.";

    [HttpGet("/sandbox/oauth/authorize")]
    public async Task<IActionResult> Authorize()
    {
        if (await RejectedRequestAsync() is { } error)
        {
            return error;
        }

        var request = HttpContext.GetOpenIddictServerRequest()!;
        var user = await SignedInUserAsync();
        if (user is null)
        {
            return Challenge(new AuthenticationProperties { RedirectUri = Request.PathBase + Request.Path + Request.QueryString }, SandboxIdentity.Scheme);
        }

        var application = await applications.FindByClientIdAsync(request.ClientId!, HttpContext.RequestAborted)
            ?? throw new InvalidOperationException("The client was validated but cannot be found.");
        var scopes = await GrantedScopesAsync(request, application);

        if (options.Value.RememberConsent && await RememberedAuthorizationAsync(user, application, scopes) is not null)
        {
            return await IssueCodeAsync(user, application, scopes);
        }

        // OpenIddict has matched the redirect URI to the client, so Allow and Deny may redirect there.
        SandboxPageHeaders.AllowFormRedirectTo(HttpContext, request.RedirectUri!);
        var applicationId = await applications.GetIdAsync(application, HttpContext.RequestAborted);
        return View("/Authorization/Consent.cshtml", new ConsentModel(
            ApplicationName: await applications.GetLocalizedDisplayNameAsync(application, CultureInfo.CurrentUICulture, HttpContext.RequestAborted) ?? request.ClientId!,
            RegisteredBy: await RegisteredByAsync(application),
            UserName: user.Name,
            UserEmail: user.Email ?? "",
            RedirectUri: request.RedirectUri!,
            Scopes: scopes,
            ConsentHandle: await consents.CreateAsync(request, user.Id, applicationId, HttpContext.RequestAborted)));
    }

    /// <summary>
    /// Allow or Deny. The post names its stored request by handle (see <see cref="ConsentRequestRestoration"/>), so the
    /// decision is the clicked button and nothing else; each stored request is decided once, by the user it was shown to.
    /// </summary>
    [HttpPost("/sandbox/oauth/authorize")]
    [ValidateAntiForgeryToken]
    public async Task<IActionResult> Decide([FromForm(Name = "decision")] string? decision)
    {
        if (ConsentRequestRestoration.Restored(HttpContext) is not { } consent)
        {
            return ConsentClosed();
        }

        var user = await SignedInUserAsync();
        if (user is null)
        {
            // Signed out meanwhile: the same request again after sign-in, which shows a fresh consent page.
            return Challenge(new AuthenticationProperties { RedirectUri = Request.PathBase + Request.Path + QueryOf(consent.Request) }, SandboxIdentity.Scheme);
        }

        if (!await consents.TryRedeemAsync(consent, user.Id, HttpContext.RequestAborted))
        {
            return ConsentClosed();
        }

        if (await RejectedRequestAsync() is { } error)
        {
            return error;
        }

        var request = HttpContext.GetOpenIddictServerRequest()!;
        var application = await applications.FindByClientIdAsync(request.ClientId!, HttpContext.RequestAborted)
            ?? throw new InvalidOperationException("The client was validated but cannot be found.");

        if (!string.Equals(decision, "allow", StringComparison.Ordinal))
        {
            LogDenied(logger, request.ClientId!);
            return Forbid(new AuthenticationProperties(new Dictionary<string, string?>
            {
                [OpenIddictServerAspNetCoreConstants.Properties.Error] = Errors.AccessDenied,
                [OpenIddictServerAspNetCoreConstants.Properties.ErrorDescription] = DeniedDescription,
            }), OpenIddictServerAspNetCoreDefaults.AuthenticationScheme);
        }

        return await IssueCodeAsync(user, application, await GrantedScopesAsync(request, application));
    }

    /// <summary>
    /// Requests OpenIddict refused before it could trust the redirect URI. Once the client and its redirect URI
    /// check out, the error goes back to the client (RFC 6749 section 4.1.2.1); otherwise it is shown here and
    /// the browser is never sent to an unregistered address.
    /// </summary>
    private async Task<IActionResult?> RejectedRequestAsync()
    {
        var response = HttpContext.GetOpenIddictServerResponse();
        if (response?.Error is null)
        {
            return null;
        }

        var request = HttpContext.GetOpenIddictServerRequest();
        if (request is { ClientId: { Length: > 0 } clientId, RedirectUri: { Length: > 0 } redirectUri }
            && await applications.FindByClientIdAsync(clientId, HttpContext.RequestAborted) is { } application
            && await applications.ValidateRedirectUriAsync(application, redirectUri, HttpContext.RequestAborted))
        {
            LogRejectedToClient(logger, response.Error, clientId);
            var parameters = new Dictionary<string, string?>
            {
                [Parameters.Error] = response.Error,
                [Parameters.ErrorDescription] = response.ErrorDescription,
                [Parameters.State] = request.State,
                [Parameters.Iss] = SandboxIssuer.For(Request),
            };
            return Redirect(QueryHelpers.AddQueryString(redirectUri, parameters.Where(p => !string.IsNullOrEmpty(p.Value))));
        }

        LogRejected(logger, response.Error);
        Response.StatusCode = StatusCodes.Status400BadRequest;
        return View("/Authorization/Error.cshtml", new AuthorizationErrorModel(response.Error, response.ErrorDescription));
    }

    /// <summary>A decision for a request already decided, expired, unknown or another user's: nothing goes to the client.</summary>
    private ViewResult ConsentClosed()
    {
        LogConsentClosed(logger);
        Response.StatusCode = StatusCodes.Status400BadRequest;
        return View("/Authorization/ConsentClosed.cshtml");
    }

    /// <summary>Who registered the application in the developer portal; null for the applications the sandbox seeds itself.</summary>
    private async Task<string?> RegisteredByAsync(object application)
    {
        if (await developerApps.OwnerOfAsync(application, HttpContext.RequestAborted) is not { } ownerId)
        {
            return null;
        }
        var owner = await users.FindByIdAsync(ownerId);
        return owner is null ? "an Agile Planner user"
            : string.IsNullOrWhiteSpace(owner.Company) ? owner.Name : $"{owner.Name} ({owner.Company})";
    }

    private async Task<SandboxUser?> SignedInUserAsync()
    {
        var result = await HttpContext.AuthenticateAsync(SandboxIdentity.Scheme);
        return result.Principal is { } principal ? await users.GetUserAsync(principal) : null;
    }

    private async Task<IReadOnlyList<string>> GrantedScopesAsync(OpenIddictRequest request, object application)
    {
        var requested = request.GetScopes();
        if (!requested.IsEmpty)
        {
            return [.. requested];
        }

        // The contract's default scope is read, for applications allowed to ask for it.
        return await applications.HasPermissionAsync(application, Permissions.Prefixes.Scope + SandboxScopes.Read, HttpContext.RequestAborted)
            ? [SandboxScopes.Read]
            : [];
    }

    private async Task<object?> RememberedAuthorizationAsync(SandboxUser user, object application, IReadOnlyList<string> scopes)
    {
        var applicationId = await applications.GetIdAsync(application, HttpContext.RequestAborted);
        await foreach (var authorization in authorizations.FindAsync(
            user.Id, applicationId!, Statuses.Valid, AuthorizationTypes.Permanent, [.. scopes], HttpContext.RequestAborted))
        {
            return authorization;
        }
        return null;
    }

    private async Task<IActionResult> IssueCodeAsync(SandboxUser user, object application, IReadOnlyList<string> scopes)
    {
        var identity = new ClaimsIdentity(TokenValidationParameters.DefaultAuthenticationType, Claims.Name, Claims.Role);
        identity.SetClaim(Claims.Subject, user.Id)
            .SetClaim(Claims.Name, user.Name)
            .SetClaim(Claims.Email, user.Email);
        identity.SetScopes(scopes);
        // An audience makes OpenIddict check the caller at revocation (RFC 7009 section 2.1): with none, any client could revoke this token.
        identity.SetResources(SandboxScopes.ApiAudience);

        if (options.Value.RememberConsent)
        {
            var authorization = await RememberedAuthorizationAsync(user, application, scopes)
                ?? await authorizations.CreateAsync(identity, user.Id,
                    (await applications.GetIdAsync(application, HttpContext.RequestAborted))!,
                    AuthorizationTypes.Permanent, [.. scopes], HttpContext.RequestAborted);
            identity.SetAuthorizationId(await authorizations.GetIdAsync(authorization, HttpContext.RequestAborted));
        }

        // Without a stored authorization, OpenIddict records an ad-hoc one: Connected apps lists it all the same.
        identity.SetDestinations(static _ => [Destinations.AccessToken]);
        LogAllowed(logger, (await applications.GetClientIdAsync(application, HttpContext.RequestAborted))!);
        return SignIn(new ClaimsPrincipal(identity), OpenIddictServerAspNetCoreDefaults.AuthenticationScheme);
    }

    private static QueryString QueryOf(OpenIddictRequest request) =>
        QueryString.Create(request.GetParameters()
            .Where(p => p.Key is not "decision" and not "__RequestVerificationToken" and not PendingConsents.FieldName)
            .Select(p => new KeyValuePair<string, string?>(p.Key, (string?)p.Value)));

    [LoggerMessage(1, LogLevel.Information, "Sandbox authorization allowed for client {ClientId}")]
    private static partial void LogAllowed(ILogger logger, string clientId);

    [LoggerMessage(2, LogLevel.Information, "Sandbox authorization denied for client {ClientId}")]
    private static partial void LogDenied(ILogger logger, string clientId);

    [LoggerMessage(3, LogLevel.Warning, "Sandbox authorization request rejected without redirect: {Error}")]
    private static partial void LogRejected(ILogger logger, string error);

    [LoggerMessage(4, LogLevel.Information, "Sandbox authorization request rejected with {Error}, sent back to client {ClientId}")]
    private static partial void LogRejectedToClient(ILogger logger, string error, string clientId);

    [LoggerMessage(5, LogLevel.Information, "Sandbox consent decision refused: already decided, expired, unknown or another user's")]
    private static partial void LogConsentClosed(ILogger logger);
}
