using Microsoft.Extensions.Configuration;

namespace AgilePlanner.Sandbox;

/// <summary>The <c>Sandbox</c> section of configuration.</summary>
public sealed class SandboxOptions
{
    /// <summary>The configuration section the sandbox reads: <c>Sandbox</c>.</summary>
    public const string SectionName = "Sandbox";

    /// <summary>The connection string the sandbox uses with <see cref="SandboxDatabase.PostgreSQL"/>: <c>ConnectionStrings:Sandbox</c>.</summary>
    public const string ConnectionStringName = "Sandbox";

    /// <summary><c>Sandbox:Enabled</c>: hosts the sandbox under /sandbox (default true).</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>
    /// <c>Sandbox:Database</c>: <c>Sqlite</c> (the default, one file in the data directory) or <c>PostgreSQL</c>
    /// (<c>ConnectionStrings:Sandbox</c>, shared by every instance of the app).
    /// </summary>
    public SandboxDatabase Database { get; set; } = SandboxDatabase.Sqlite;

    /// <summary><c>Sandbox:RequirePkce</c>: authorization requests must carry an S256 code challenge (default true).</summary>
    public bool RequirePkce { get; set; } = true;

    /// <summary>
    /// <c>Sandbox:RequirePushedAuthorization</c>: authorization requests must come by <c>request_uri</c> from the pushed
    /// authorization endpoint (RFC 9126), never as query parameters (default false).
    /// </summary>
    public bool RequirePushedAuthorization { get; set; }

    /// <summary><c>Sandbox:RememberConsent</c>: skip the consent page once a user has allowed an app those scopes (default false).</summary>
    public bool RememberConsent { get; set; }

    /// <summary><c>Sandbox:AccessTokenLifetime</c> (default one hour).</summary>
    public TimeSpan AccessTokenLifetime { get; set; } = TimeSpan.FromHours(1);

    /// <summary><c>Sandbox:RefreshTokenLifetime</c> (default 14 days).</summary>
    public TimeSpan RefreshTokenLifetime { get; set; } = TimeSpan.FromDays(14);

    /// <summary><c>Sandbox:Clients</c>: applications registered at start, created or updated idempotently.</summary>
    public List<SandboxClientRegistration> Clients { get; set; } = [];

    /// <summary><c>Sandbox:RateLimits</c>: requests a client address may make per minute.</summary>
    public SandboxRateLimits RateLimits { get; set; } = new();

    /// <summary><c>Sandbox:Lockout</c>: failed sign-ins before an account is locked, and for how long.</summary>
    public SandboxLockout Lockout { get; set; } = new();

    /// <summary>Reads the <c>Sandbox</c> section, with the defaults for what it leaves out.</summary>
    public static SandboxOptions From(IConfiguration configuration) =>
        configuration.GetSection(SectionName).Get<SandboxOptions>() ?? new SandboxOptions();
}
