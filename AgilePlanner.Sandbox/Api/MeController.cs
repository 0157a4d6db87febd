using System.Security.Cryptography;
using System.Text.Json;
using AgilePlanner.Sandbox.Storage;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Microsoft.Net.Http.Headers;

namespace AgilePlanner.Sandbox.Api;

/// <summary><c>GET /me</c>: the account the token belongs to, with an ETag so clients can cache it.</summary>
internal sealed class MeController(SandboxDbContext db) : ApiControllerBase(db)
{
    [HttpGet("/sandbox/api/v1/me")]
    [RequireScope(Authorization.SandboxScopes.Read)]
    public async Task<IActionResult> Get()
    {
        var user = await Db.Users.AsNoTracking().FirstOrDefaultAsync(u => u.Id == OwnerId, HttpContext.RequestAborted);
        if (user is null)
        {
            return ApiError.NotFound("The account this token was issued for no longer exists.");
        }

        var body = JsonSerializer.SerializeToUtf8Bytes(
            new MeResponse(user.Id, user.Name, user.Email ?? "", user.Company, user.TimeZone, user.CreatedAt), ApiJson.Options);
        var etag = new EntityTagHeaderValue($"\"{Convert.ToHexStringLower(SHA256.HashData(body))[..32]}\"");

        Response.Headers.ETag = etag.ToString();
        // A client may keep the account but must revalidate it with If-None-Match before showing it again: the 304 costs
        // no body, and a token revoked in the meantime gets its 401 instead of a stale page.
        Response.Headers.CacheControl = "private, no-cache";
        if (Request.GetTypedHeaders().IfNoneMatch is { Count: > 0 } candidates
            && candidates.Any(c => c.Equals(EntityTagHeaderValue.Any) || c.Compare(etag, useStrongComparison: false)))
        {
            return StatusCode(StatusCodes.Status304NotModified);
        }
        return File(body, "application/json; charset=utf-8");
    }
}
