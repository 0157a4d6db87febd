namespace AgilePlanner.Sandbox.Planning;

internal enum StoryType
{
    Feature,
    Bug,
    Chore,
}
