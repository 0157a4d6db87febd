namespace AgilePlanner.Sandbox;

/// <summary>
/// Whether the sandbox's database is migrated and seeded. The app starts answering at once; requests under /sandbox wait
/// for this (see <see cref="SandboxHostingExtensions.UseAgilePlannerSandbox"/>), so nothing reads a half-made database.
/// A test host awaits <see cref="WhenReady"/> before its first request to the sandbox.
/// </summary>
public sealed class SandboxReadiness
{
    private readonly TaskCompletionSource _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Completes once the database is ready; faults when the sandbox could not prepare it, and the app stops.</summary>
    public Task WhenReady => _ready.Task;

    /// <summary>Whether the database is ready.</summary>
    public bool IsReady => _ready.Task.IsCompletedSuccessfully;

    internal void Ready() => _ready.TrySetResult();

    internal void Failed(Exception exception) => _ready.TrySetException(exception);

    internal void Stopped() => _ready.TrySetCanceled();
}
