namespace AgilePlanner.Sandbox;

/// <summary><c>Sandbox:Lockout</c>: how failed sign-ins are throttled per client address and email.</summary>
public sealed class SandboxLockout
{
    /// <summary>Failed sign-ins before the pair is refused for <see cref="Duration"/> (default 5).</summary>
    public int MaxFailedSignIns { get; set; } = 5;

    /// <summary>How long a throttled pair is refused (default five minutes).</summary>
    public TimeSpan Duration { get; set; } = TimeSpan.FromMinutes(5);
}
