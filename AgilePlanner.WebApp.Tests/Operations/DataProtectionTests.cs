using AgilePlanner.WebApp.Hosting;
using AgilePlanner.WebApp.Tests.Infrastructure;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.DependencyInjection;

namespace AgilePlanner.WebApp.Tests.Operations;

/// <summary>The session cookie is protected with the app's Data Protection keys, kept in the data directory.</summary>
public sealed class DataProtectionTests : IAsyncLifetime
{
    // The purpose chain the cookie handler uses for the session scheme's cookie.
    private static readonly string[] SessionCookiePurpose =
        ["Microsoft.AspNetCore.Authentication.Cookies.CookieAuthenticationMiddleware", "AgilePlannerSession", "v2"];

    private readonly string _dataDirectory = Path.Combine(Path.GetTempPath(), "agileplanner-tests", Guid.NewGuid().ToString("N"));

    [Fact]
    public async Task A_cookie_protected_before_a_restart_is_read_after_it()
    {
        string cookie;
        await using (var before = new AgilePlannerAppFactory(_dataDirectory))
        {
            cookie = Protector(before).Protect("signed in as Ada");
        }

        await using var after = new AgilePlannerAppFactory(_dataDirectory);

        Assert.Equal("signed in as Ada", Protector(after).Unprotect(cookie));
    }

    [Fact]
    public async Task Two_instances_sharing_the_data_directory_read_each_others_cookies()
    {
        await using var first = new AgilePlannerAppFactory(_dataDirectory);
        await using var second = new AgilePlannerAppFactory(_dataDirectory);

        var fromFirst = Protector(first).Protect("from the first instance");
        var fromSecond = Protector(second).Protect("from the second instance");

        Assert.Equal("from the first instance", Protector(second).Unprotect(fromFirst));
        Assert.Equal("from the second instance", Protector(first).Unprotect(fromSecond));
        Assert.Single(Directory.GetFiles(Path.Combine(_dataDirectory, "keys"), "key-*.xml"));
    }

    [Fact]
    public async Task An_instance_on_another_data_directory_cannot_read_the_cookie()
    {
        await using var first = new AgilePlannerAppFactory(_dataDirectory);
        await using var stranger = new AgilePlannerAppFactory();

        var cookie = Protector(first).Protect("signed in as Ada");

        Assert.ThrowsAny<System.Security.Cryptography.CryptographicException>(() => Protector(stranger).Unprotect(cookie));
    }

    [Theory]
    [InlineData("/data", null, false)]
    [InlineData("/data", "/var/lib/containers/storage/volumes/agileplanner-data/_data", true)]
    [InlineData("/data/keys", "/var/lib/docker/volumes/agileplanner-data/_data", true)]
    [InlineData("/data", "/home/ada/agileplanner", true)]
    [InlineData("/data", "/var/lib/containers/storage/volumes/ec89e866bc7a0d67f99b6a20fc18632b6b91004b8b35bf69086d1ea0c3c5dc03/_data", false)]
    [InlineData("/database", "/var/lib/docker/volumes/agileplanner-data/_data", false)]
    [InlineData("/my data", null, true)]
    public void A_data_directory_outlives_the_container_only_on_a_named_volume_or_bind_mount(string path, string? dataSource, bool expected)
    {
        var mountInfo = """
            1101 1000 0:52 / / rw,relatime - overlay overlay rw,lowerdir=/var/lib/containers/l/A
            1102 1101 0:55 / /proc rw,nosuid,nodev,noexec,relatime - proc proc rw
            1103 1101 8:1 /srv/shared /my\040data rw,relatime - ext4 /dev/sda1 rw
            """;
        if (dataSource is not null)
        {
            mountInfo += $"\n1104 1101 8:1 {dataSource} /data rw,relatime - ext4 /dev/sda1 rw";
        }

        Assert.Equal(expected, DataDirectory.IsKeptOutsideContainer(path, mountInfo));
    }

    private static IDataProtector Protector(AgilePlannerAppFactory app) =>
        app.Services.GetRequiredService<IDataProtectionProvider>().CreateProtector(SessionCookiePurpose);

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public ValueTask DisposeAsync()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        if (Directory.Exists(_dataDirectory))
        {
            Directory.Delete(_dataDirectory, recursive: true);
        }
        return ValueTask.CompletedTask;
    }
}
