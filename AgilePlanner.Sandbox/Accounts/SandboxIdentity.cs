namespace AgilePlanner.Sandbox.Accounts;

/// <summary>The sandbox's own sign-in cookie, separate from the web app's session.</summary>
internal static class SandboxIdentity
{
    public const string Scheme = "Sandbox.Identity";
    public const string CookieName = "AgilePlanner.Sandbox";
}
