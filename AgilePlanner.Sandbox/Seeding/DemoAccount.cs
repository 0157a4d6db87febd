namespace AgilePlanner.Sandbox.Seeding;

/// <summary>The demo account shown on the sign-in page as a hint.</summary>
internal static class DemoAccount
{
    public const string Name = "Ada Lovelace";
    public const string Email = "demo@agileplanner.test";
    public const string Password = "agile-demo";
    public const string Company = "Analytical Engines Ltd";
    public const string TimeZone = "Europe/London";
}
