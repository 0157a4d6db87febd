using System.Text.RegularExpressions;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace AgilePlanner.WebApp.Tests.Browser;

/// <summary>The steps a user takes through the web app and the sandbox, by what they see and click.</summary>
public static partial class AgilePlannerFlow
{
    public const string DemoName = "Ada Lovelace";
    public const string DemoEmail = "demo@agileplanner.test";
    public const string DemoPassword = "agile-demo";

    /// <summary>Opens the home page and clicks Connect Agile Planner; the browser goes to the provider's site.</summary>
    public static async Task ConnectFromHomeAsync(BrowserSession session, IPage page)
    {
        await page.GotoAsync("/");
        await Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync("Agile Planner Connect");
        await session.SnapAsync(page, "home");
        await ConnectAgilePlanner(page).ClickAsync();
        await ExpectAtProvider(session, page);
    }

    public static ILocator ConnectAgilePlanner(IPage page) =>
        page.GetByRole(AriaRole.Button, new() { Name = "Connect Agile Planner" })
            .Or(page.GetByRole(AriaRole.Link, new() { Name = "Connect Agile Planner" })).First;

    /// <summary>Fills the sandbox's sign-in form with the demo account.</summary>
    public static async Task SignInAtSandboxAsync(BrowserSession session, IPage page)
    {
        await Expect(page).ToHaveURLAsync(new Regex($"^{Regex.Escape(session.App.ProviderUrl.ToString())}signin"));
        await Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToContainTextAsync("Sign in");
        await session.SnapAsync(page, "sandbox-signin");
        await page.GetByLabel("Email").FillAsync(DemoEmail);
        await page.GetByLabel("Password").FillAsync(DemoPassword);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in", Exact = true }).ClickAsync();
    }

    /// <summary>The consent page: names the app; the user's choice is Allow or Deny.</summary>
    public static async Task ExpectConsentAsync(BrowserSession session, IPage page)
    {
        await Expect(page).ToHaveURLAsync(new Regex($"^{Regex.Escape(session.App.ProviderUrl.ToString())}oauth/authorize"));
        await Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToContainTextAsync("Agile Planner Connect");
        await Expect(page.GetByRole(AriaRole.Button, new() { Name = "Allow" })).ToBeVisibleAsync();
        await Expect(page.GetByRole(AriaRole.Button, new() { Name = "Deny" })).ToBeVisibleAsync();
        await session.SnapAsync(page, "consent");
    }

    public static async Task AllowAsync(IPage page) =>
        await page.GetByRole(AriaRole.Button, new() { Name = "Allow", Exact = true }).ClickAsync();

    public static async Task DenyAsync(IPage page) =>
        await page.GetByRole(AriaRole.Button, new() { Name = "Deny", Exact = true }).ClickAsync();

    /// <summary>The account page at the app, with the demo user's name and email from the API.</summary>
    public static async Task ExpectAccountAsync(BrowserSession session, IPage page)
    {
        await Expect(page).ToHaveURLAsync(new Regex($"^{Regex.Escape(session.App.AppUrl.ToString())}account"));
        await Expect(page.GetByText(DemoName).First).ToBeVisibleAsync();
        await Expect(page.GetByText(DemoEmail).First).ToBeVisibleAsync();
    }

    /// <summary>The whole way from the home page to the account page, signing in at the sandbox.</summary>
    public static async Task ConnectAsync(BrowserSession session, IPage page)
    {
        await ConnectFromHomeAsync(session, page);
        await SignInAtSandboxAsync(session, page);
        await ExpectConsentAsync(session, page);
        await AllowAsync(page);
        await ExpectAccountAsync(session, page);
    }

    /// <summary>Clicks Disconnect (a form POST) and lands back home, no longer connected.</summary>
    public static async Task DisconnectAsync(IPage page)
    {
        await page.GetByRole(AriaRole.Button, new() { Name = "Disconnect" }).ClickAsync();
        await Expect(page.GetByText("Disconnected").First).ToBeVisibleAsync();
        await Expect(ConnectAgilePlanner(page)).ToBeVisibleAsync();
    }

    private static async Task ExpectAtProvider(BrowserSession session, IPage page) =>
        await Expect(page).ToHaveURLAsync(new Regex($"^{Regex.Escape(session.App.ProviderUrl.ToString())}"));
}
