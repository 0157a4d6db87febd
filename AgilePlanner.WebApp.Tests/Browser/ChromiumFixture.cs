using Microsoft.Playwright;

namespace AgilePlanner.WebApp.Tests.Browser;

/// <summary>
/// Debian's Chromium driven by Playwright's bundled driver. The browser is never downloaded: when none is
/// installed the tests are skipped with the reason, except under CI (CI=true), where that is a failure.
/// </summary>
public sealed class ChromiumFixture : IAsyncLifetime
{
    public const string ExecutablePathVariable = "PLAYWRIGHT_CHROMIUM_EXECUTABLE_PATH";

    private static readonly string[] KnownLocations = ["/usr/bin/chromium", "/usr/bin/chromium-browser"];

    // Nothing but the page under test may reach the network: no updates, sync or field trials.
    private static readonly string[] LaunchArguments =
    [
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-quic",
        "--no-first-run",
    ];

    private IPlaywright? _playwright;
    private IBrowser? _browser;
    private string? _missingReason;

    public async ValueTask InitializeAsync()
    {
        var executable = FindChromium(out _missingReason);
        if (executable is null)
        {
            return;
        }

        _playwright = await Playwright.CreateAsync();
        _browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = executable,
            Headless = true,
            Args = LaunchArguments,
        });
    }

    /// <summary>The shared browser, or a skip (a failure under CI) when no Chromium is installed.</summary>
    public IBrowser Browser
    {
        get
        {
            if (_browser is not null)
            {
                return _browser;
            }

            var reason = $"{_missingReason} Install Debian's chromium (apt-get install -y chromium) or set {ExecutablePathVariable}.";
            if (string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase))
            {
                Assert.Fail($"CI=true requires the browser tests to run. {reason}");
            }
            Assert.Skip(reason);
            return null!;
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_browser is not null)
        {
            await _browser.CloseAsync();
        }
        _playwright?.Dispose();
    }

    private static string? FindChromium(out string? missingReason)
    {
        var configured = Environment.GetEnvironmentVariable(ExecutablePathVariable);
        if (!string.IsNullOrWhiteSpace(configured))
        {
            missingReason = File.Exists(configured) ? null : $"{ExecutablePathVariable} points at '{configured}', which does not exist.";
            return missingReason is null ? configured : null;
        }

        var found = KnownLocations.FirstOrDefault(File.Exists);
        missingReason = found is null ? $"No Chromium found at {string.Join(" or ", KnownLocations)}." : null;
        return found;
    }
}
