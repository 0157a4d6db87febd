using Microsoft.AspNetCore.Mvc.Razor;

namespace AgilePlanner.WebApp.Hosting;

/// <summary>
/// Views live beside their controller in a feature folder (<c>/Connect/Callback.cshtml</c>),
/// shared views in <c>/Shared</c>.
/// </summary>
public static class FeatureFolders
{
    public static IMvcBuilder AddFeatureFolders(this IMvcBuilder mvc)
    {
        mvc.Services.Configure<RazorViewEngineOptions>(options =>
        {
            options.ViewLocationFormats.Insert(0, "/{1}/{0}.cshtml");
            options.ViewLocationFormats.Insert(1, "/Shared/{0}.cshtml");
        });
        return mvc;
    }
}
