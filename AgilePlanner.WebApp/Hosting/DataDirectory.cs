namespace AgilePlanner.WebApp.Hosting;

/// <summary>
/// The one folder that holds what must survive a restart: the sandbox database and the Data Protection keys.
/// Configured by <c>DataDirectory</c> (a <c>/data</c> volume in the container); relative paths are under the content root.
/// </summary>
public static partial class DataDirectory
{
    public const string ConfigurationKey = "DataDirectory";

    /// <summary>Fixed, so every instance and every restart reads the others' cookies.</summary>
    public const string DataProtectionApplicationName = "AgilePlanner.WebApp";

    public static string Resolve(WebApplicationBuilder builder)
    {
        var configured = builder.Configuration[ConfigurationKey];
        var path = string.IsNullOrWhiteSpace(configured) ? "App_Data" : configured;
        var full = Path.GetFullPath(Path.Combine(builder.Environment.ContentRootPath, path));
        Directory.CreateDirectory(full);
        return full;
    }

    /// <summary>
    /// Whether the directory outlives its container, judged from <c>/proc/self/mountinfo</c>: the deepest mount that holds it
    /// is a named volume or a bind mount, not the container's root file system, nor the anonymous volume that the image's
    /// <c>VOLUME /data</c> gets when no <c>-v</c> is given (its source is <c>.../volumes/&lt;64 hex digits&gt;/_data</c>).
    /// </summary>
    public static bool IsKeptOutsideContainer(string path, string mountInfo)
    {
        var target = Path.TrimEndingDirectorySeparator(Path.GetFullPath(path));
        var deepest = "/";
        var source = "/";
        foreach (var line in mountInfo.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            // Field 4 is the mounted path within its file system, field 5 the mount point; spaces are escaped as octal (\040).
            var fields = line.Split(' ');
            if (fields.Length < 5)
            {
                continue;
            }

            var mountPoint = UnescapeOctal(fields[4]);
            var contains = mountPoint == "/"
                || target == mountPoint
                || target.StartsWith(mountPoint + "/", StringComparison.Ordinal);
            if (contains && mountPoint.Length > deepest.Length)
            {
                deepest = mountPoint;
                source = UnescapeOctal(fields[3]);
            }
        }

        return deepest != "/" && !AnonymousVolume().IsMatch(source);
    }

    [System.Text.RegularExpressions.GeneratedRegex("/volumes/[0-9a-f]{64}/_data$")]
    private static partial System.Text.RegularExpressions.Regex AnonymousVolume();

    private static string UnescapeOctal(string field) =>
        System.Text.RegularExpressions.Regex.Replace(field, @"\\([0-7]{3})", m => ((char)Convert.ToInt32(m.Groups[1].Value, 8)).ToString());
}
