using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;

namespace AgilePlanner.Sandbox.Api;

/// <summary>The API's error body: <c>{"error":"not_found|invalid_request|rate_limited","message":"..."}</c>.</summary>
internal sealed record ApiError(string Error, string Message)
{
    public static IActionResult NotFound(string message) =>
        new JsonResult(new ApiError("not_found", message), ApiJson.Options) { StatusCode = StatusCodes.Status404NotFound };

    public static IActionResult InvalidRequest(string message) =>
        new JsonResult(new ApiError("invalid_request", message), ApiJson.Options) { StatusCode = StatusCodes.Status400BadRequest };
}
