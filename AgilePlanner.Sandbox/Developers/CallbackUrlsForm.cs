namespace AgilePlanner.Sandbox.Developers;

internal sealed class CallbackUrlsForm
{
    public string? CallbackUrls { get; set; }
}
