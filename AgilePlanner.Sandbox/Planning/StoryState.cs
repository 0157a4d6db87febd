namespace AgilePlanner.Sandbox.Planning;

internal enum StoryState
{
    Unstarted,
    Started,
    Finished,
    Accepted,
}
