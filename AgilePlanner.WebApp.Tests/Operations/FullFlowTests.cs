using System.Net;
using System.Text.Json;
using AgilePlanner.Api;
using AgilePlanner.AspNetCore;
using AgilePlanner.WebApp.Tests.Infrastructure;
using AngleSharp.Html.Dom;
using Microsoft.AspNetCore.Mvc.Testing.Handlers;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.DependencyInjection;
using Serilog.Core;

namespace AgilePlanner.WebApp.Tests.Operations;

/// <summary>The whole flow against the built-in sandbox, as an operator sees it: the logs and a restart.</summary>
public sealed class FullFlowTests : IAsyncLifetime
{
    private const string DemoEmail = "demo@agileplanner.test";
    private const string DemoPassword = "agile-demo";
    private static readonly Uri AppAddress = new("http://localhost");

    private readonly string _dataDirectory = Path.Combine(Path.GetTempPath(), "agileplanner-tests", Guid.NewGuid().ToString("N"));
    private readonly List<AgilePlannerAppFactory> _hosts = [];

    [Fact]
    public async Task No_secret_of_a_full_flow_appears_in_any_log_line()
    {
        var events = new LogEventCapture();
        var backChannel = new WireLog();
        var app = Host(services =>
        {
            services.AddSingleton<ILogEventSink>(events);
            services.AddHttpClient(AgilePlannerAuthenticationDefaults.BackchannelHttpClientName).AddHttpMessageHandler(() => backChannel.Tap());
        });
        var cookies = new CookieContainer();

        var flow = await SignInAsync(app, cookies);

        var secrets = new List<string> { flow.Code, flow.State, DemoPassword, "sandbox-secret-not-for-production" };
        secrets.AddRange(backChannel.Values("code_verifier", "client_secret", "refresh_token", "token", "access_token"));
        secrets.AddRange(cookies.GetAllCookies().Select(cookie => cookie.Value).Where(value => value.Length > 16));
        Assert.Contains(backChannel.Values("code_verifier", "client_secret", "refresh_token", "token", "access_token"), secret => secret.Length > 0);
        Assert.Contains(events.Events, e => e.Properties.TryGetValue("RequestPath", out var path) && path.ToString() == "\"/callback\"");
        foreach (var secret in secrets)
        {
            Assert.DoesNotContain(secret, app.Logs.AllText);
            Assert.DoesNotContain(secret, events.AllText);
        }
    }

    [Fact]
    public async Task A_signed_in_browser_stays_signed_in_across_a_restart()
    {
        var cookies = new CookieContainer();
        var before = Host();
        await SignInAsync(before, cookies);
        await before.DisposeAsync();

        var after = Host();
        using var browser = after.CreateDefaultClient(AppAddress, new CookieContainerHandler(cookies));
        using var account = await browser.GetAsync("/account", TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, account.StatusCode);
        Assert.Contains("Ada Lovelace", await account.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task Two_instances_on_one_data_directory_accept_each_others_session_cookie()
    {
        var cookies = new CookieContainer();
        var first = Host();
        var second = Host();
        await SignInAsync(first, cookies);

        using var browser = second.CreateDefaultClient(AppAddress, new CookieContainerHandler(cookies));
        using var account = await browser.GetAsync("/account", TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, account.StatusCode);
        Assert.Contains("Ada Lovelace", await account.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task An_instance_with_other_keys_does_not_accept_the_session_cookie()
    {
        var cookies = new CookieContainer();
        await SignInAsync(Host(), cookies);
        await using var stranger = new AgilePlannerAppFactory();
        Route(stranger);

        using var browser = stranger.CreateDefaultClient(AppAddress, new CookieContainerHandler(cookies));
        using var account = await browser.GetAsync("/account", TestContext.Current.CancellationToken);

        Assert.NotEqual(HttpStatusCode.OK, account.StatusCode);
    }

    private AgilePlannerAppFactory Host(Action<IServiceCollection>? configure = null)
    {
        var app = new AgilePlannerAppFactory(_dataDirectory);
        Route(app, configure);
        _hosts.Add(app);
        return app;
    }

    /// <summary>The app's back channel to its own in-memory server, where the sandbox answers.</summary>
    private static void Route(AgilePlannerAppFactory app, Action<IServiceCollection>? configure = null) =>
        app.ConfigureTestServices = services =>
        {
            services.AddHttpClient(AgilePlannerAuthenticationDefaults.BackchannelHttpClientName).ConfigurePrimaryHttpMessageHandler(() => app.Server.CreateHandler());
            services.AddHttpClient(AgilePlannerApiClient.HttpClientName).ConfigurePrimaryHttpMessageHandler(() => app.Server.CreateHandler());
            configure?.Invoke(services);
        };

    /// <summary>Connect, sign in at the sandbox, Allow, back through the callback to the account page showing Ada.</summary>
    private static async Task<(string Code, string State)> SignInAsync(AgilePlannerAppFactory app, CookieContainer cookies)
    {
        using var browser = app.CreateDefaultClient(AppAddress, new CookieContainerHandler(cookies));
        var visited = new List<Uri>();

        var signInPage = await FollowAsync(browser, await browser.GetAsync("/connect", TestContext.Current.CancellationToken), visited);
        var signIn = FormWith(await Html.ParseAsync(signInPage), "input[type=password]");
        ((IHtmlInputElement)signIn.QuerySelector("input[type=email], input[name*=mail i]")!).Value = DemoEmail;
        ((IHtmlInputElement)signIn.QuerySelector("input[type=password]")!).Value = DemoPassword;

        var consentPage = await FollowAsync(browser, await browser.SubmitAsync(signIn), visited);
        var consent = (await Html.ParseAsync(consentPage)).Forms.First(form => form.QuerySelectorAll("button, input[type=submit]")
            .Any(button => button.TextContent.Trim() == "Allow" || button.GetAttribute("value") == "Allow"));

        var account = await FollowAsync(browser, await browser.SubmitAsync(consent, submitButton: consent.ButtonNamed("Allow")), visited);

        Assert.Equal("/account", account.RequestMessage!.RequestUri!.AbsolutePath);
        Assert.Contains("Ada Lovelace", await account.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
        var callback = QueryHelpers.ParseQuery(visited.Single(uri => uri.AbsolutePath == "/callback").Query);
        return (callback["code"].ToString(), callback["state"].ToString());
    }

    private static IHtmlFormElement FormWith(IHtmlDocument page, string selector) =>
        page.Forms.FirstOrDefault(form => form.QuerySelector(selector) is not null)
            ?? throw new InvalidOperationException($"No form with {selector} on {page.Url}: {page.Body?.TextContent.Trim()[..Math.Min(300, page.Body.TextContent.Trim().Length)]}");

    private static async Task<HttpResponseMessage> FollowAsync(HttpClient browser, HttpResponseMessage response, List<Uri> visited)
    {
        response = await Redirects.FollowAsync(browser, response, visited: visited);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return response;
    }

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public async ValueTask DisposeAsync()
    {
        foreach (var host in _hosts)
        {
            await host.DisposeAsync();
        }
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(_dataDirectory, recursive: true);
        }
        catch (IOException)
        {
            // A file still held by a finishing background task; the temp folder is cleaned by the OS.
        }
    }
}
