namespace AgilePlanner.Sandbox.Planning;

internal enum IterationState
{
    Done,
    Current,
    Planned,
}
