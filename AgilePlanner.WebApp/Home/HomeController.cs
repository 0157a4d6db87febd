using Microsoft.AspNetCore.Mvc;

namespace AgilePlanner.WebApp.Home;

public sealed class HomeController : Controller
{
    [HttpGet("/")]
    public IActionResult Index() => View();
}
