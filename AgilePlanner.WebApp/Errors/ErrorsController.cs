using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Mvc;

namespace AgilePlanner.WebApp.Errors;

/// <summary>The friendly pages for unhandled failures and bare status codes: never a stack trace.</summary>
[IgnoreAntiforgeryToken]
[ApiExplorerSettings(IgnoreApi = true)]
public sealed class ErrorsController : Controller
{
    [Route("/error")]
    public IActionResult Unhandled()
    {
        if (HttpContext.Features.Get<IExceptionHandlerPathFeature>() is null)
        {
            return Status(StatusCodes.Status404NotFound);
        }

        Response.StatusCode = StatusCodes.Status500InternalServerError;
        return View("Error", new ErrorViewModel(500, "Something went wrong", "This app ran into an unexpected problem. It has been logged; please try again."));
    }

    [Route("/error/{status:int}")]
    public IActionResult Status(int status)
    {
        var (title, text) = status switch
        {
            400 => ("That request could not be handled", "The page was sent something it could not accept (an expired form, for example). Go back, reload the page and try again."),
            404 => ("Page not found", "There is nothing at this address."),
            405 => ("That request could not be handled", "This address does not accept that kind of request."),
            _ => ("That request could not be handled", "The request could not be completed."),
        };
        Response.StatusCode = status is >= 400 and < 600 ? status : StatusCodes.Status404NotFound;
        return View("Error", new ErrorViewModel(status, title, text));
    }
}
