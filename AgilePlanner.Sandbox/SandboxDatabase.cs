namespace AgilePlanner.Sandbox;

/// <summary>Where the sandbox keeps its accounts, registrations, tokens and planning data (<c>Sandbox:Database</c>).</summary>
public enum SandboxDatabase
{
    /// <summary>One SQLite file, <c>sandbox.db</c>, in the data directory: for one instance.</summary>
    Sqlite,

    /// <summary>PostgreSQL at <c>ConnectionStrings:Sandbox</c>: for several instances, which share the database and the server's keys.</summary>
    PostgreSQL,
}
