namespace AgilePlanner.WebApp.Hosting;

/// <summary>
/// The one folder that holds what must survive a restart: the sandbox database and the Data Protection keys.
/// Configured by <c>DataDirectory</c> (a <c>/data</c> volume in the container); relative paths are under the content root.
/// </summary>
public static class DataDirectory
{
    public const string ConfigurationKey = "DataDirectory";

    public static string Resolve(WebApplicationBuilder builder)
    {
        var configured = builder.Configuration[ConfigurationKey];
        var path = string.IsNullOrWhiteSpace(configured) ? "App_Data" : configured;
        var full = Path.GetFullPath(Path.Combine(builder.Environment.ContentRootPath, path));
        Directory.CreateDirectory(full);
        return full;
    }
}
