using AgilePlanner.Api;

namespace AgilePlanner.WebApp.Projects;

public sealed record ProjectsViewModel(Page<Project> Page, bool HasPrevious);
