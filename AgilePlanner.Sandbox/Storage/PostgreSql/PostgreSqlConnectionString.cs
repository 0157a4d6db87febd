using System.Data.Common;
using Npgsql;

namespace AgilePlanner.Sandbox.Storage.PostgreSql;

/// <summary>
/// The operator's <c>ConnectionStrings:Sandbox</c>, with two Npgsql settings the sandbox's queries gain from unless the operator
/// chose otherwise. Every API call runs the same few queries (the reference token, its application and authorization, the
/// user), each on a pooled connection taken and given back:
/// <list type="bullet">
/// <item><c>Max Auto Prepare</c>: a query run often becomes a prepared statement on its connection, so PostgreSQL stops parsing
/// and planning it on every call.</item>
/// <item><c>No Reset On Close</c>: a connection given back to the pool is not reset (seven statements at PostgreSQL). The
/// sandbox leaves no session state behind: its one session setting, the seeding lock, is released by <see cref="Seeding.SandboxSeeder"/>,
/// which discards the connection when it could not be.</item>
/// </list>
/// </summary>
internal static class PostgreSqlConnectionString
{
    /// <summary>Enough for every query the sandbox runs on each connection.</summary>
    public const int MaxAutoPrepare = 32;

    /// <summary>The connection string with the sandbox's defaults for what it does not set.</summary>
    /// <exception cref="InvalidOperationException">It is not an Npgsql connection string (the message never quotes it).</exception>
    public static string WithDefaults(string connectionString)
    {
        NpgsqlConnectionStringBuilder builder;
        try
        {
            builder = new NpgsqlConnectionStringBuilder(connectionString);
        }
        catch (ArgumentException exception)
        {
            // The exception's message may quote the string, and with it a password.
            throw new InvalidOperationException(
                $"ConnectionStrings:{SandboxOptions.ConnectionStringName} is not an Npgsql connection string such as "
                + "'Host=db;Database=sandbox;Username=sandbox;Password=...'. Check its keys and their values.", exception);
        }

        // The settings the string names itself, in any of Npgsql's spellings ("Max Auto Prepare", "MaxAutoPrepare").
        var named = new DbConnectionStringBuilder { ConnectionString = connectionString }.Keys.Cast<string>()
            .Select(key => key.Replace(" ", string.Empty, StringComparison.Ordinal))
            .ToHashSet(StringComparer.OrdinalIgnoreCase);
        if (!named.Contains(nameof(NpgsqlConnectionStringBuilder.MaxAutoPrepare)))
        {
            builder.MaxAutoPrepare = MaxAutoPrepare;
        }
        if (!named.Contains(nameof(NpgsqlConnectionStringBuilder.NoResetOnClose)))
        {
            builder.NoResetOnClose = true;
        }
        return builder.ConnectionString;
    }
}
