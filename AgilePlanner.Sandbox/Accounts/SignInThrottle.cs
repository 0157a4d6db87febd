using System.Collections.Concurrent;
using System.Net;

namespace AgilePlanner.Sandbox.Accounts;

/// <summary>
/// Failed sign-ins counted per client address and email address, whether an account has that email or not: after
/// <see cref="SandboxLockout.MaxFailedSignIns"/> failures that pair is refused for <see cref="SandboxLockout.Duration"/>.
/// A per-account lockout would let anyone keep a user out with five wrong passwords; this one stops guessing from one
/// address and leaves the user's own sign-in from elsewhere working, and says the same for known and unknown emails.
/// Kept in memory: each instance counts on its own, and a restart forgets.
/// </summary>
internal sealed class SignInThrottle(SandboxLockout lockout, TimeProvider time)
{
    private const int MaxEntries = 100_000;
    private readonly ConcurrentDictionary<string, Failures> _failures = new(StringComparer.Ordinal);

    /// <summary>True while <paramref name="email"/> may not be tried from <paramref name="address"/>.</summary>
    public bool IsBlocked(IPAddress? address, string email) =>
        _failures.TryGetValue(Key(address, email), out var failures)
        && failures.Count >= lockout.MaxFailedSignIns
        && failures.Until > time.GetUtcNow();

    public void RecordFailure(IPAddress? address, string email)
    {
        var now = time.GetUtcNow();
        if (_failures.Count >= MaxEntries)
        {
            Prune(now);
        }
        _failures.AddOrUpdate(Key(address, email),
            _ => new Failures(1, now + lockout.Duration),
            (_, previous) => previous.Until <= now ? new Failures(1, now + lockout.Duration) : new Failures(previous.Count + 1, now + lockout.Duration));
    }

    public void Reset(IPAddress? address, string email) => _failures.TryRemove(Key(address, email), out _);

    private void Prune(DateTimeOffset now)
    {
        foreach (var (key, failures) in _failures)
        {
            if (failures.Until <= now)
            {
                _failures.TryRemove(key, out _);
            }
        }
    }

    private static string Key(IPAddress? address, string email) =>
        (address?.ToString() ?? "unknown") + "|" + email.Trim().ToUpperInvariant();

    private readonly record struct Failures(int Count, DateTimeOffset Until);
}
