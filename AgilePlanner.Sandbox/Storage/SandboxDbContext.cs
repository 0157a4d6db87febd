using AgilePlanner.Sandbox.Accounts;
using AgilePlanner.Sandbox.Planning;
using Microsoft.AspNetCore.Identity.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;

namespace AgilePlanner.Sandbox.Storage;

/// <summary>
/// The sandbox's one database: accounts (Identity), OAuth registrations and tokens (OpenIddict), and planning data.
/// One subclass a provider (<c>Sandbox:Database</c>), each with its own migrations.
/// </summary>
internal abstract class SandboxDbContext(DbContextOptions options) : IdentityDbContext<SandboxUser>(options)
{
    public DbSet<Project> Projects => Set<Project>();

    public DbSet<Iteration> Iterations => Set<Iteration>();

    public DbSet<Story> Stories => Set<Story>();

    protected override void ConfigureConventions(ModelConfigurationBuilder configurationBuilder)
    {
        // SQLite keeps no time zone and PostgreSQL's timestamptz takes UTC only: every timestamp is stored and read back as UTC.
        configurationBuilder.Properties<DateTime>().HaveConversion<UtcDateTimeConverter>();
        configurationBuilder.Properties<IterationState>().HaveConversion<string>();
        configurationBuilder.Properties<StoryType>().HaveConversion<string>();
        configurationBuilder.Properties<StoryState>().HaveConversion<string>();
    }

    protected override void OnModelCreating(ModelBuilder builder)
    {
        base.OnModelCreating(builder);

        builder.Entity<Project>(project =>
        {
            project.HasIndex(p => p.OwnerId);
            project.Property(p => p.Name).HasMaxLength(200);
            project.HasOne(p => p.Owner).WithMany().HasForeignKey(p => p.OwnerId).OnDelete(DeleteBehavior.Cascade);
            project.HasMany(p => p.Iterations).WithOne().HasForeignKey(i => i.ProjectId).OnDelete(DeleteBehavior.Cascade);
            project.HasMany(p => p.Stories).WithOne().HasForeignKey(s => s.ProjectId).OnDelete(DeleteBehavior.Cascade);
        });

        builder.Entity<Iteration>().HasIndex(i => new { i.ProjectId, i.Number }).IsUnique();

        builder.Entity<Story>(story =>
        {
            story.HasIndex(s => new { s.ProjectId, s.IterationNumber });
            story.Property(s => s.Title).HasMaxLength(200);
            story.PrimitiveCollection(s => s.Labels);
        });
    }

    private sealed class UtcDateTimeConverter() : ValueConverter<DateTime, DateTime>(
        value => value.ToUniversalTime(),
        value => DateTime.SpecifyKind(value, DateTimeKind.Utc));
}
