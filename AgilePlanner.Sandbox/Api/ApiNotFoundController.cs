using Microsoft.AspNetCore.Mvc;

namespace AgilePlanner.Sandbox.Api;

/// <summary>Any other path under the API answers the contract's JSON 404 rather than an empty page.</summary>
internal sealed class ApiNotFoundController : ControllerBase
{
    [Route("/sandbox/api/{**rest}", Order = int.MaxValue)]
    public IActionResult NotFoundJson() => ApiError.NotFound("No such API endpoint. See the API v1 contract.");
}
