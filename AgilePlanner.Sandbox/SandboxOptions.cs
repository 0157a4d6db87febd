using Microsoft.Extensions.Configuration;

namespace AgilePlanner.Sandbox;

/// <summary>The <c>Sandbox</c> section of configuration.</summary>
public sealed class SandboxOptions
{
    public const string SectionName = "Sandbox";

    /// <summary><c>Sandbox:Enabled</c>: hosts the sandbox under /sandbox (default true).</summary>
    public bool Enabled { get; set; } = true;

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

    public static SandboxOptions From(IConfiguration configuration) =>
        configuration.GetSection(SectionName).Get<SandboxOptions>() ?? new SandboxOptions();
}

/// <summary>One application registered from configuration.</summary>
public sealed class SandboxClientRegistration
{
    public string ClientId { get; set; } = "";

    public string ClientSecret { get; set; } = "";

    public string DisplayName { get; set; } = "";

    public List<string> RedirectUris { get; set; } = [];
}

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

public sealed class SandboxLockout
{
    public int MaxFailedSignIns { get; set; } = 5;

    public TimeSpan Duration { get; set; } = TimeSpan.FromMinutes(5);
}
