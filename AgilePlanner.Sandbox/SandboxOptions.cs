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

/// <summary>One application registered from configuration.</summary>
public sealed class SandboxClientRegistration
{
    /// <summary>The application's client id.</summary>
    public string ClientId { get; set; } = "";

    /// <summary>The application's client secret (a confidential client).</summary>
    public string ClientSecret { get; set; } = "";

    /// <summary>The name users see on the consent page; the client id when empty.</summary>
    public string DisplayName { get; set; } = "";

    /// <summary>The callback URLs the application may use; a plain-HTTP loopback one matches on any port (RFC 8252).</summary>
    public List<string> RedirectUris { get; set; } = [];
}

/// <summary>
/// <c>Sandbox:RateLimits</c>. Counted by each instance of the app on its own: with N instances behind a balancer a client may
/// make up to N times these numbers. Sign-in and tokens must not depend on a shared store being up; divide by N to keep a total.
/// </summary>
public sealed class SandboxRateLimits
{
    /// <summary>Sign-in and sign-up form posts per minute and client address.</summary>
    public int SignInPerMinute { get; set; } = 30;

    /// <summary>Token and revocation requests per minute and client address.</summary>
    public int TokenPerMinute { get; set; } = 120;

    /// <summary>API requests per minute and access token (per client address for requests without one).</summary>
    public int ApiPerMinute { get; set; } = 1200;

    /// <summary>API requests per minute and client address, whatever the tokens: a ceiling new tokens cannot lift.</summary>
    public int ApiPerMinutePerAddress { get; set; } = 12000;
}

/// <summary><c>Sandbox:Lockout</c>: how failed sign-ins are throttled per client address and email.</summary>
public sealed class SandboxLockout
{
    /// <summary>Failed sign-ins before the pair is refused for <see cref="Duration"/> (default 5).</summary>
    public int MaxFailedSignIns { get; set; } = 5;

    /// <summary>How long a throttled pair is refused (default five minutes).</summary>
    public TimeSpan Duration { get; set; } = TimeSpan.FromMinutes(5);
}
