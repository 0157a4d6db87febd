using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.Filters;
using OpenIddict.Abstractions;
using OpenIddict.Validation.AspNetCore;

namespace AgilePlanner.Sandbox.Api;

/// <summary>
/// Bearer protection for an API action (RFC 6750): the access token is checked by OpenIddict's validation
/// scheme, named explicitly so the web app's default schemes are never involved. A missing, malformed,
/// expired or revoked token answers 401 <c>invalid_token</c>; a token in the query string, 401 <c>invalid_request</c>; a token without the scope, 403 <c>insufficient_scope</c>.
/// </summary>
[AttributeUsage(AttributeTargets.Method)]
internal sealed class RequireScopeAttribute(string scope) : Attribute, IAsyncAuthorizationFilter
{
    public string Scope { get; } = scope;

    public async Task OnAuthorizationAsync(AuthorizationFilterContext context)
    {
        var http = context.HttpContext;
        if (http.Request.Query.ContainsKey(OpenIddictConstants.Parameters.AccessToken))
        {
            // Refused even beside a valid header: a token in a URL is already in logs, histories and Referer headers.
            context.Result = new BearerErrorResult(StatusCodes.Status401Unauthorized,
                "Bearer error=\"invalid_request\", error_description=\"Access tokens are not accepted in the query string; send the token in the Authorization header.\"",
                "invalid_request", "Access tokens are not accepted in the URL (?access_token=). Send it in the Authorization header: Bearer ACCESS_TOKEN.");
            return;
        }

        var result = await http.AuthenticateAsync(OpenIddictValidationAspNetCoreDefaults.AuthenticationScheme);
        if (!result.Succeeded || result.Principal is null)
        {
            context.Result = new BearerErrorResult(StatusCodes.Status401Unauthorized,
                "Bearer error=\"invalid_token\", error_description=\"The access token is missing, malformed, expired or revoked.\"",
                "invalid_token", "Send a valid access token in the Authorization header: Bearer ACCESS_TOKEN.");
            return;
        }

        http.User = result.Principal;
        if (!result.Principal.HasScope(Scope))
        {
            context.Result = new BearerErrorResult(StatusCodes.Status403Forbidden,
                $"Bearer error=\"insufficient_scope\", scope=\"{Scope}\", error_description=\"The access token does not grant the '{Scope}' scope.\"",
                "insufficient_scope", $"This request needs the '{Scope}' scope. Ask the user to authorize it.");
        }
    }

    private sealed class BearerErrorResult(int status, string challenge, string error, string message) : IActionResult
    {
        public async Task ExecuteResultAsync(ActionContext context)
        {
            var response = context.HttpContext.Response;
            response.StatusCode = status;
            response.Headers.WWWAuthenticate = challenge;
            response.Headers.CacheControl = "no-store";
            await response.WriteAsJsonAsync(new { error, message }, ApiJson.Options, context.HttpContext.RequestAborted);
        }
    }
}
