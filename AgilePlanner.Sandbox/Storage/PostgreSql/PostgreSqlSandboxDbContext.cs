using Microsoft.EntityFrameworkCore;

namespace AgilePlanner.Sandbox.Storage.PostgreSql;

/// <summary>
/// The sandbox's database on PostgreSQL (<c>Sandbox:Database</c> = <c>PostgreSQL</c>), shared by every instance, which also
/// holds the authorization server's keys so that all instances sign and encrypt with the same ones.
/// </summary>
internal sealed class PostgreSqlSandboxDbContext(DbContextOptions<PostgreSqlSandboxDbContext> options) : SandboxDbContext(options)
{
    public DbSet<ServerKey> ServerKeys => Set<ServerKey>();

    protected override void OnModelCreating(ModelBuilder builder)
    {
        base.OnModelCreating(builder);
        builder.Entity<ServerKey>(key =>
        {
            key.HasKey(k => k.Name);
            key.Property(k => k.Name).HasMaxLength(50);
        });
    }
}
