using AgilePlanner.Sandbox.Storage.PostgreSql;
using Npgsql;

namespace AgilePlanner.WebApp.Tests.Sandbox;

/// <summary>What the sandbox connects to PostgreSQL with: the operator's string, with its two defaults where the operator chose nothing.</summary>
public sealed class PostgreSqlConnectionStringTests
{
    [Fact]
    public void Unset_the_sandbox_prepares_its_queries_and_does_not_reset_pooled_connections()
    {
        var used = new NpgsqlConnectionStringBuilder(PostgreSqlConnectionString.WithDefaults(
            "Host=db.internal;Port=5433;Database=sandbox;Username=sandbox;Password=p4ss-word;Maximum Pool Size=40"));

        Assert.Equal(PostgreSqlConnectionString.MaxAutoPrepare, used.MaxAutoPrepare);
        Assert.True(used.NoResetOnClose);
        // Everything the operator gave stays as given.
        Assert.Equal("db.internal", used.Host);
        Assert.Equal(5433, used.Port);
        Assert.Equal("sandbox", used.Database);
        Assert.Equal("sandbox", used.Username);
        Assert.Equal("p4ss-word", used.Password);
        Assert.Equal(40, used.MaxPoolSize);
    }

    [Theory]
    [InlineData("Host=db;Max Auto Prepare=0;No Reset On Close=false")]
    [InlineData("Host=db;MaxAutoPrepare=0;NoResetOnClose=false")]
    [InlineData("Host=db;max auto prepare=0;no reset on close=false")]
    public void The_operators_own_choice_wins_in_any_spelling(string connectionString)
    {
        var used = new NpgsqlConnectionStringBuilder(PostgreSqlConnectionString.WithDefaults(connectionString));

        Assert.Equal(0, used.MaxAutoPrepare);
        Assert.False(used.NoResetOnClose);
    }

    [Theory]
    [InlineData("Host=db;Password=hunter2-secret;Bogus Key=1")]
    [InlineData("Host=db;Password=hunter2-secret;Port=five")]
    [InlineData("Host=db;Password='hunter2-secret")]
    public void A_string_Npgsql_cannot_read_is_named_without_its_password(string connectionString)
    {
        var failure = Assert.Throws<InvalidOperationException>(() => PostgreSqlConnectionString.WithDefaults(connectionString));

        Assert.StartsWith("ConnectionStrings:Sandbox is not an Npgsql connection string", failure.Message);
        Assert.DoesNotContain("hunter2", failure.Message);
    }
}
