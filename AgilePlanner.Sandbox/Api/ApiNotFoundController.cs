using Microsoft.AspNetCore.Mvc;

namespace AgilePlanner.Sandbox.Api;

/// <summary>Any other path under the API answers the contract's JSON 404 rather than an empty page.</summary>
internal sealed class ApiNotFoundController : ControllerBase
{
    [Route("/sandbox/api/{**rest}", Order = int.MaxValue)]
    [System.Diagnostics.CodeAnalysis.SuppressMessage("Performance", "CA1822:Mark members as static", Justification = "An MVC action.")]
    public IActionResult NotFoundJson() => ApiError.NotFound("No such API endpoint. See the API v1 contract.");
}
