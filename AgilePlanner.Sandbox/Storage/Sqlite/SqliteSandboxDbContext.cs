using Microsoft.EntityFrameworkCore;

namespace AgilePlanner.Sandbox.Storage.Sqlite;

/// <summary>The sandbox's database as one SQLite file in the data directory (<c>Sandbox:Database</c> = <c>Sqlite</c>, the default).</summary>
internal sealed class SqliteSandboxDbContext(DbContextOptions<SqliteSandboxDbContext> options) : SandboxDbContext(options);
