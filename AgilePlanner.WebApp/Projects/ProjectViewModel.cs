using AgilePlanner.Api;

namespace AgilePlanner.WebApp.Projects;

public sealed record ProjectViewModel(
    Project Project, IReadOnlyList<Iteration> Iterations, Iteration? Iteration, string? State, Page<Story> Stories, bool HasPrevious, bool CanWrite, NewStoryForm Form);
