using Microsoft.AspNetCore.Mvc;

namespace AgilePlanner.WebApp.Flow;

/// <summary>The layout's links to the flow inspector (while this browser has a recorded flow) and the API console (while connected).</summary>
public sealed class FlowLinkViewComponent(FlowRecorder recorder) : ViewComponent
{
    // Only the cookie is checked, which expires with the record, so pages pay no cache lookup for the link.
    public IViewComponentResult Invoke()
    {
        var links = new FlowLinks(recorder.HasRecord(HttpContext), User.Identity?.IsAuthenticated == true);
        return links.Flow || links.Console ? View("/Flow/FlowLink.cshtml", links) : Content(string.Empty);
    }
}
