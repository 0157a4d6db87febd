namespace AgilePlanner.Sandbox;

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
