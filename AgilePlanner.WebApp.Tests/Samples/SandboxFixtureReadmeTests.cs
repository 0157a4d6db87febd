using System.Net;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Mvc.Testing;

namespace AgilePlanner.WebApp.Tests.Samples;

/// <summary>
/// The README's fixture, as written there: an app that hosts the sandbox package (here the web app's own Program) in a
/// <see cref="WebApplicationFactory{TEntryPoint}"/>, on a data directory of its own, and the demo user signing in at it.
/// </summary>
public sealed partial class SandboxFixtureReadmeTests : IDisposable
{
    private readonly string _data = Directory.CreateTempSubdirectory("agileplanner-readme-").FullName;

    [Fact]
    public async Task The_demo_user_signs_in_at_the_sandbox_hosted_in_the_test()
    {
        await using var app = new WebApplicationFactory<Program>().WithWebHostBuilder(host => host.UseSetting("DataDirectory", _data));
        using var browser = app.CreateClient(new() { AllowAutoRedirect = false });
        var form = await browser.GetStringAsync("/sandbox/signin", TestContext.Current.CancellationToken);
        var antiforgery = AntiforgeryToken().Match(form).Groups[1].Value;
        var signedIn = await browser.PostAsync("/sandbox/signin", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["Email"] = "demo@agileplanner.test", ["Password"] = "agile-demo", ["__RequestVerificationToken"] = antiforgery,
        }), TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.Redirect, signedIn.StatusCode);

        // Signed in: the sandbox's home page says so.
        var home = await browser.GetStringAsync("/sandbox", TestContext.Current.CancellationToken);
        Assert.Contains("You are signed in as", home, StringComparison.Ordinal);
    }

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(_data, recursive: true);
        }
        catch (IOException)
        {
            // A file still held by a finishing background task; the temp folder is cleaned by the OS.
        }
    }

    [GeneratedRegex("name=\"__RequestVerificationToken\" type=\"hidden\" value=\"([^\"]+)\"")]
    private static partial Regex AntiforgeryToken();
}
