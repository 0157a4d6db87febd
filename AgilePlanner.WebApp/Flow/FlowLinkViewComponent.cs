using Microsoft.AspNetCore.Mvc;

namespace AgilePlanner.WebApp.Flow;

/// <summary>The "See the flow" link in the layout, shown while this browser has a recorded flow.</summary>
public sealed class FlowLinkViewComponent(FlowRecorder recorder) : ViewComponent
{
    // Only the cookie is checked, which expires with the record, so pages pay no cache lookup for the link.
    public IViewComponentResult Invoke() =>
        recorder.HasRecord(HttpContext) ? View("/Flow/FlowLink.cshtml") : Content(string.Empty);
}
