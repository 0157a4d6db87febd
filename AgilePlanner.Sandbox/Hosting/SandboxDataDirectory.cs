using Microsoft.Extensions.Hosting;

namespace AgilePlanner.Sandbox.Hosting;

/// <summary>
/// Where the SQLite database and its server keys are kept: <c>DataDirectory</c> from configuration (the key the host app
/// uses for its own files), <c>App_Data</c> under the content root when unset; relative paths are under the content root.
/// </summary>
internal static class SandboxDataDirectory
{
    public const string ConfigurationKey = "DataDirectory";

    public static string Resolve(IHostApplicationBuilder builder)
    {
        var configured = builder.Configuration[ConfigurationKey];
        var path = Path.GetFullPath(Path.Combine(
            builder.Environment.ContentRootPath, string.IsNullOrWhiteSpace(configured) ? "App_Data" : configured));
        Directory.CreateDirectory(path);
        return path;
    }
}
