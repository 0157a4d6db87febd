using System.Collections.Concurrent;
using System.Text.RegularExpressions;
using AgilePlanner.WebApp.Tests.Browser;
using AgilePlanner.WebApp.Tests.Infrastructure.RealServers;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace AgilePlanner.WebApp.Tests.Scale;

/// <summary>
/// A Chromium context that opens the app through the balancer and records which instance served every answer (the
/// balancer's <see cref="HaproxyBalancer.ServedByHeader"/>). <see cref="PinAsync"/> puts every request, redirects included,
/// on one instance (and the app's callback on another); otherwise requests are dealt round robin.
/// </summary>
public sealed class BalancedBrowser : IAsyncDisposable
{
    private readonly ConcurrentQueue<ServedAnswer> _answers = new();

    private BalancedBrowser(IBrowserContext context, IPage page, HaproxyBalancer balancer)
    {
        Context = context;
        Page = page;
        Balancer = balancer;
    }

    public IBrowserContext Context { get; }

    public IPage Page { get; }

    public HaproxyBalancer Balancer { get; }

    /// <summary>Every answer the browser received: method, path, status, and the instance that served it.</summary>
    public IReadOnlyCollection<ServedAnswer> Answers => _answers;

    public static async Task<BalancedBrowser> OpenAsync(ChromiumFixture chromium, HaproxyBalancer balancer)
    {
        var context = await chromium.Browser.NewContextAsync(new BrowserNewContextOptions { BaseURL = balancer.AppUrl.ToString() });
        context.SetDefaultTimeout(20_000);
        var page = await context.NewPageAsync();
        var browser = new BalancedBrowser(context, page, balancer);
        context.Response += (_, response) => browser._answers.Enqueue(new ServedAnswer(
            response.Request.Method, new Uri(response.Url).AbsolutePath, response.Status,
            response.Headers.TryGetValue(HaproxyBalancer.ServedByHeader.ToLowerInvariant(), out var servedBy) ? servedBy : null));
        return browser;
    }

    /// <summary>From now on every request goes to <paramref name="instance"/>, the app's callback to <paramref name="callbackInstance"/>.</summary>
    public Task PinAsync(string instance, string? callbackInstance = null)
    {
        var headers = new Dictionary<string, string> { [HaproxyBalancer.PinHeader] = instance };
        if (callbackInstance is not null)
        {
            headers[HaproxyBalancer.CallbackPinHeader] = callbackInstance;
        }
        return Context.SetExtraHTTPHeadersAsync(headers);
    }

    /// <summary>Back to round robin: a pin naming no instance (an empty set of extra headers does not replace the last one).</summary>
    public Task UnpinAsync() => Context.SetExtraHTTPHeadersAsync(new Dictionary<string, string>
    {
        [HaproxyBalancer.PinHeader] = "none",
        [HaproxyBalancer.CallbackPinHeader] = "none",
    });

    /// <summary>The instance that served the last answer to <paramref name="method"/> <paramref name="path"/>.</summary>
    public string? ServedBy(string method, string path) =>
        _answers.LastOrDefault(answer => answer.Method == method && answer.Path == path)?.ServedBy;

    /// <summary>Home, Connect, the sandbox's sign-in with the demo account, Allow: the account page with the demo user.</summary>
    public async Task ConnectAsync(Func<Task>? beforeSignIn = null)
    {
        await Page.GotoAsync("/");
        await AgilePlannerFlow.ConnectAgilePlanner(Page).ClickAsync();
        await Expect(Page).ToHaveURLAsync(new Regex($"^{Regex.Escape(Balancer.ProviderUrl.ToString())}signin"));

        if (beforeSignIn is not null)
        {
            await beforeSignIn();
        }
        await Page.GetByLabel("Email").FillAsync(AgilePlannerFlow.DemoEmail);
        await Page.GetByLabel("Password").FillAsync(AgilePlannerFlow.DemoPassword);
        await Page.GetByRole(AriaRole.Button, new() { Name = "Sign in", Exact = true }).ClickAsync();
        await Expect(Page).ToHaveURLAsync(new Regex($"^{Regex.Escape(Balancer.ProviderUrl.ToString())}oauth/authorize"));

        await AgilePlannerFlow.AllowAsync(Page);
        await ExpectAccountAsync();
    }

    public async Task ExpectAccountAsync()
    {
        await Expect(Page).ToHaveURLAsync(new Regex($"^{Regex.Escape(Balancer.AppUrl.ToString())}account"));
        await Expect(Page.GetByText(AgilePlannerFlow.DemoName).First).ToBeVisibleAsync();
        await Expect(Page.GetByText(AgilePlannerFlow.DemoEmail).First).ToBeVisibleAsync();
    }

    public async ValueTask DisposeAsync() => await Context.CloseAsync();
}
