namespace AgilePlanner.WebApp.Tests.Infrastructure;

/// <summary>The checkout of the solution the tests run from: its root, where AgilePlanner.sln is.</summary>
public static class Checkout
{
    public static string Root { get; } = Find();

    private static string Find()
    {
        for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
        {
            if (File.Exists(Path.Combine(folder.FullName, "AgilePlanner.sln")))
            {
                return folder.FullName;
            }
        }
        throw new InvalidOperationException("The tests do not run from a checkout of the solution.");
    }
}
