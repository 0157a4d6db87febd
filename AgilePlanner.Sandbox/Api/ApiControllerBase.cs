using AgilePlanner.Sandbox.Planning;
using AgilePlanner.Sandbox.Storage;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using OpenIddict.Abstractions;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace AgilePlanner.Sandbox.Api;

/// <summary>What every API v1 controller shares: the token owner, and finding one of their projects.</summary>
// Bearer tokens, not cookies, authenticate the API: there is no ambient credential for a forged request to ride on.
[IgnoreAntiforgeryToken]
internal abstract class ApiControllerBase(SandboxDbContext db) : ControllerBase
{
    protected SandboxDbContext Db { get; } = db;

    /// <summary>The account the access token was issued for (its <c>sub</c> claim).</summary>
    protected string OwnerId => User.GetClaim(Claims.Subject) ?? "";

    /// <summary>One of the token owner's projects, or null: another account's project is as absent as a missing one.</summary>
    protected async Task<Project?> FindOwnProjectAsync(string projectId)
    {
        if (!int.TryParse(projectId, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var id))
        {
            return null;
        }
        return await Db.Projects.AsNoTracking()
            .FirstOrDefaultAsync(p => p.Id == id && p.OwnerId == OwnerId, HttpContext.RequestAborted);
    }

    protected static IActionResult ProjectNotFound(string projectId) =>
        ApiError.NotFound($"No project '{projectId}' in this account.");
}
