using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace AgilePlanner.Sandbox.Storage.PostgreSql;

/// <summary>Lets <c>dotnet ef migrations add --context PostgreSqlSandboxDbContext</c> build the model without a server.</summary>
internal sealed class DesignTimePostgreSqlSandboxDbContextFactory : IDesignTimeDbContextFactory<PostgreSqlSandboxDbContext>
{
    public PostgreSqlSandboxDbContext CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<PostgreSqlSandboxDbContext>()
            .UseNpgsql("Host=localhost;Database=design-time")
            .UseOpenIddict()
            .Options);
}
