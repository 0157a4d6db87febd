using AgilePlanner.Sandbox.Accounts;
using AgilePlanner.Sandbox.Authorization;
using AgilePlanner.Sandbox.Hosting;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Logging;

namespace AgilePlanner.Sandbox.Developers;

/// <summary>The developer portal: register an application, see its client id, change callbacks, rotate its secret, delete it.</summary>
[SandboxPage]
[Authorize(AuthenticationSchemes = SandboxIdentity.Scheme)]
internal sealed partial class DevelopersController(DeveloperApps apps, UserManager<SandboxUser> users, ILogger<DevelopersController> logger) : Controller
{
    [HttpGet("/sandbox/developers")]
    public async Task<IActionResult> Index() =>
        View("/Developers/Index.cshtml", await apps.ListAsync(OwnerId, HttpContext.RequestAborted));

    [HttpGet("/sandbox/developers/new")]
    public IActionResult Register() => View("/Developers/Register.cshtml", new RegisterAppForm());

    [HttpPost("/sandbox/developers/new")]
    [ValidateAntiForgeryToken]
    public async Task<IActionResult> Register([FromForm] RegisterAppForm form)
    {
        var (urls, errors) = CallbackUrls.Parse(form.CallbackUrls);
        foreach (var error in errors)
        {
            ModelState.AddModelError(nameof(form.CallbackUrls), error);
        }
        var scopes = new List<string>();
        if (form.ScopeRead)
        {
            scopes.Add(SandboxScopes.Read);
        }
        if (form.ScopeWrite)
        {
            scopes.Add(SandboxScopes.Write);
        }
        if (scopes.Count == 0)
        {
            ModelState.AddModelError(nameof(form.ScopeRead), "Choose at least one scope your application may ask for.");
        }
        var (publicKeys, keyError, looksPrivate) = PublicKeySet.Parse(form.PublicKeys);
        if (keyError is not null)
        {
            AddPublicKeysError(keyError, looksPrivate, () => form.PublicKeys = null);
        }
        else if (publicKeys is null && !form.IssueSecret)
        {
            ModelState.AddModelError(nameof(form.PublicKeys), "Your application needs a way to prove it is itself: keep the client secret, paste a public key, or both.");
        }
        if (!string.IsNullOrWhiteSpace(form.Name) && await apps.IsNameTakenAsync(form.Name, HttpContext.RequestAborted))
        {
            // Users tell applications apart on the consent page by name: no second "Agile Planner Connect".
            ModelState.AddModelError(nameof(form.Name), "An application with this name already exists. Choose a name of your own, so users can tell the applications apart.");
        }
        if (!ModelState.IsValid)
        {
            return View("/Developers/Register.cshtml", form);
        }

        var (clientId, secret) = await apps.RegisterAsync(
            OwnerId, form.Name!.Trim(), form.Description?.Trim() ?? "", urls, scopes, publicKeys, form.IssueSecret, HttpContext.RequestAborted);
        LogRegistered(logger, clientId, publicKeys?.Keys.Count ?? 0);
        if (secret is null)
        {
            TempData["Notice"] = "Application registered. It authenticates with its private key (private_key_jwt); no client secret was issued.";
            return Redirect($"/sandbox/developers/{Uri.EscapeDataString(clientId)}");
        }
        return SecretOnNextPage(clientId, secret, rotated: false);
    }

    /// <summary>Replaces the public keys; an empty field removes them, for an application that still has a secret.</summary>
    [HttpPost("/sandbox/developers/{clientId}/keys")]
    [ValidateAntiForgeryToken]
    public async Task<IActionResult> UpdatePublicKeys(string clientId, [FromForm] PublicKeysForm form)
    {
        var app = await apps.FindAsync(OwnerId, clientId, HttpContext.RequestAborted);
        if (app is null)
        {
            return NotFoundPage();
        }

        var (publicKeys, keyError, looksPrivate) = PublicKeySet.Parse(form.PublicKeys);
        if (keyError is not null)
        {
            AddPublicKeysError(keyError, looksPrivate, () => { });
            ViewData["PublicKeysText"] = looksPrivate ? null : form.PublicKeys;
            return View("/Developers/Edit.cshtml", app);
        }

        if (await apps.UpdatePublicKeysAsync(OwnerId, clientId, publicKeys, HttpContext.RequestAborted) is false)
        {
            ModelState.AddModelError(nameof(form.PublicKeys), "This application has no client secret, so its public keys cannot all be removed: paste a new key, or rotate the secret first.");
            return View("/Developers/Edit.cshtml", app);
        }
        LogPublicKeysChanged(logger, clientId, publicKeys?.Keys.Count ?? 0);
        TempData["Notice"] = publicKeys is null ? "Public keys removed." : "Public keys saved. Assertions signed with any other key are refused from now on.";
        return Redirect($"/sandbox/developers/{Uri.EscapeDataString(clientId)}");
    }

    /// <summary>A refused key field; a private key is dropped from the form so that the page never shows it again.</summary>
    private void AddPublicKeysError(string message, bool looksPrivate, Action clearField)
    {
        if (looksPrivate)
        {
            ModelState.Remove(nameof(RegisterAppForm.PublicKeys));
            clearField();
            LogPrivateKeyRefused(logger);
        }
        ModelState.AddModelError(nameof(RegisterAppForm.PublicKeys), message);
    }

    /// <summary>
    /// The page after registering or rotating: the secret once, from TempData (Post/Redirect/Get, so a reload registers
    /// nothing); opened again, it says the secret cannot be shown twice. The secret is stored as a hash only.
    /// </summary>
    [HttpGet("/sandbox/developers/{clientId}/secret")]
    public async Task<IActionResult> SecretOnce(string clientId)
    {
        var app = await apps.FindAsync(OwnerId, clientId, HttpContext.RequestAborted);
        if (app is null)
        {
            return NotFoundPage();
        }
        if (TempData[SecretKey] is string shown && shown.Split('\n') is [var forClient, var secret, var rotated] && forClient == clientId)
        {
            return View("/Developers/Secret.cshtml", new SecretShownOnce(app, secret, Rotated: rotated == "rotated"));
        }
        TempData["Notice"] = "The client secret is shown only once, right after registration or rotation. If you did not copy it, rotate the secret to get a new one.";
        return View("/Developers/Edit.cshtml", app);
    }

    private const string SecretKey = "SecretShownOnce";

    private RedirectResult SecretOnNextPage(string clientId, string secret, bool rotated)
    {
        TempData[SecretKey] = $"{clientId}\n{secret}\n{(rotated ? "rotated" : "registered")}";
        return Redirect($"/sandbox/developers/{Uri.EscapeDataString(clientId)}/secret");
    }

    [HttpGet("/sandbox/developers/{clientId}")]
    public async Task<IActionResult> Edit(string clientId)
    {
        var app = await apps.FindAsync(OwnerId, clientId, HttpContext.RequestAborted);
        return app is null ? NotFoundPage() : View("/Developers/Edit.cshtml", app);
    }

    [HttpPost("/sandbox/developers/{clientId}/callbacks")]
    [ValidateAntiForgeryToken]
    public async Task<IActionResult> UpdateCallbacks(string clientId, [FromForm] CallbackUrlsForm form)
    {
        var app = await apps.FindAsync(OwnerId, clientId, HttpContext.RequestAborted);
        if (app is null)
        {
            return NotFoundPage();
        }

        var (urls, errors) = CallbackUrls.Parse(form.CallbackUrls);
        if (errors.Count > 0)
        {
            foreach (var error in errors)
            {
                ModelState.AddModelError(nameof(form.CallbackUrls), error);
            }
            ViewData["CallbackUrlsText"] = form.CallbackUrls;
            return View("/Developers/Edit.cshtml", app);
        }

        await apps.UpdateCallbackUrlsAsync(OwnerId, clientId, urls, HttpContext.RequestAborted);
        LogCallbacksChanged(logger, clientId);
        TempData["Notice"] = "Callback URLs saved.";
        return Redirect($"/sandbox/developers/{Uri.EscapeDataString(clientId)}");
    }

    [HttpPost("/sandbox/developers/{clientId}/secret")]
    [ValidateAntiForgeryToken]
    public async Task<IActionResult> RotateSecret(string clientId)
    {
        var secret = await apps.RotateSecretAsync(OwnerId, clientId, HttpContext.RequestAborted);
        if (secret is null)
        {
            return NotFoundPage();
        }
        LogSecretRotated(logger, clientId);
        return SecretOnNextPage(clientId, secret, rotated: true);
    }

    [HttpPost("/sandbox/developers/{clientId}/delete")]
    [ValidateAntiForgeryToken]
    public async Task<IActionResult> Delete(string clientId)
    {
        if (!await apps.DeleteAsync(OwnerId, clientId, HttpContext.RequestAborted))
        {
            return NotFoundPage();
        }
        LogDeleted(logger, clientId);
        TempData["Notice"] = "The application was deleted. Its tokens no longer work.";
        return Redirect("/sandbox/developers");
    }

    private string OwnerId => users.GetUserId(User) ?? throw new InvalidOperationException("Signed-in user without an id.");

    private ViewResult NotFoundPage()
    {
        Response.StatusCode = Microsoft.AspNetCore.Http.StatusCodes.Status404NotFound;
        return View("/Developers/NotFound.cshtml");
    }

    [LoggerMessage(1, LogLevel.Information, "Developer portal: application {ClientId} registered with {KeyCount} public keys")]
    private static partial void LogRegistered(ILogger logger, string clientId, int keyCount);

    [LoggerMessage(2, LogLevel.Information, "Developer portal: callback URLs of {ClientId} changed")]
    private static partial void LogCallbacksChanged(ILogger logger, string clientId);

    [LoggerMessage(3, LogLevel.Information, "Developer portal: secret of {ClientId} rotated")]
    private static partial void LogSecretRotated(ILogger logger, string clientId);

    [LoggerMessage(4, LogLevel.Information, "Developer portal: application {ClientId} deleted")]
    private static partial void LogDeleted(ILogger logger, string clientId);

    [LoggerMessage(5, LogLevel.Information, "Developer portal: public keys of {ClientId} replaced, {KeyCount} now")]
    private static partial void LogPublicKeysChanged(ILogger logger, string clientId, int keyCount);

    [LoggerMessage(6, LogLevel.Warning, "Developer portal: a private key was pasted as a public key and refused (not stored, not shown)")]
    private static partial void LogPrivateKeyRefused(ILogger logger);
}
