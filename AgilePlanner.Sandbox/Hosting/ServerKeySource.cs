namespace AgilePlanner.Sandbox.Hosting;

/// <summary>Where the authorization server's keys come from: PEM files in a data directory (SQLite), or the database (PostgreSQL).</summary>
internal sealed record ServerKeySource(string? DataDirectory)
{
    public static readonly ServerKeySource Database = new((string?)null);
}
