namespace AgilePlanner.WebApp.Tests.Infrastructure.RealServers;

/// <summary>
/// The Debian binaries the real-server tests start. One that is missing skips the test with the reason and the package
/// to install, except under CI (CI=true), where that is a failure: .ci/run installs them.
/// </summary>
public static class ServerBinaries
{
    public const string RedisServer = "/usr/bin/redis-server";
    public const string Haproxy = "/usr/sbin/haproxy";
    public const string PostgreSqlBin = "/usr/lib/postgresql/15/bin";

    public static string Require(string path, string package)
    {
        if (File.Exists(path))
        {
            return path;
        }
        var reason = $"{path} is not installed: apt-get install -y {package}.";
        if (string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase))
        {
            Assert.Fail($"CI=true requires the real-server tests to run. {reason}");
        }
        Assert.Skip(reason);
        return path;
    }

    public static bool IsRoot => Environment.UserName == "root";
}
