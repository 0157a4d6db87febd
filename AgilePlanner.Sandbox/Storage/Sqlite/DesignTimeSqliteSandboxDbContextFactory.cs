using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace AgilePlanner.Sandbox.Storage.Sqlite;

/// <summary>Lets <c>dotnet ef migrations add --context SqliteSandboxDbContext</c> build the model without starting the web app.</summary>
internal sealed class DesignTimeSqliteSandboxDbContextFactory : IDesignTimeDbContextFactory<SqliteSandboxDbContext>
{
    public SqliteSandboxDbContext CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<SqliteSandboxDbContext>()
            .UseSqlite("Data Source=design-time.db")
            .UseOpenIddict()
            .Options);
}
