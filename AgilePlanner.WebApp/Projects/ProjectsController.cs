using System.Globalization;
using System.Text.RegularExpressions;
using AgilePlanner.Api;
using AgilePlanner.AspNetCore;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;

namespace AgilePlanner.WebApp.Projects;

/// <summary>The user's projects, a project's iterations and stories, and "Add a story" (which needs the write scope).</summary>
[Authorize]
[ResponseCache(NoStore = true, Location = ResponseCacheLocation.None)]
public sealed partial class ProjectsController(AgilePlannerApiClient api, AgilePlannerSession session) : Controller
{
    public static readonly string[] StoryStates = ["unstarted", "started", "finished", "accepted"];
    public static readonly string[] StoryTypes = ["feature", "bug", "chore"];

    [HttpGet("/projects")]
    public async Task<IActionResult> Index(string? cursor, CancellationToken cancellationToken)
    {
        var page = await api.GetProjectsPageAsync(CleanCursor(cursor), cancellationToken);
        return View(new ProjectsViewModel(page, !string.IsNullOrEmpty(cursor)));
    }

    [HttpGet("/projects/{id}")]
    public async Task<IActionResult> Show(string id, string? iteration, string? state, string? cursor, CancellationToken cancellationToken)
    {
        if (!IsId(id))
        {
            return NotFound();
        }
        return View("Project", await LoadAsync(id, iteration, state, cursor, new NewStoryForm(), cancellationToken));
    }

    [HttpPost("/projects/{id}/stories")]
    [ValidateAntiForgeryToken]
    public async Task<IActionResult> AddStory(string id, NewStoryForm form, CancellationToken cancellationToken)
    {
        if (!IsId(id))
        {
            return NotFound();
        }

        var here = Url.Action(nameof(Show), new { id })!;
        if (!ModelState.IsValid)
        {
            return View("Project", await LoadAsync(id, null, null, null, form, cancellationToken));
        }

        try
        {
            var story = await api.CreateStoryAsync(id, new NewStory(form.Title!.Trim(), form.Type!, form.Points!.Value), cancellationToken);
            TempData["notice"] = $"Story “{story.Title}” added.";
            return LocalRedirect(here);
        }
        catch (AgilePlannerApiException failure) when (failure.Failure == AgilePlannerApiFailure.InsufficientScope)
        {
            return LocalRedirect(Url.Action("MoreAccess", "Connect", new { scope = failure.RequiredScope ?? AgilePlannerScopes.Write, returnUrl = here })!);
        }
        catch (AgilePlannerApiException failure) when (failure.Failure == AgilePlannerApiFailure.Rejected)
        {
            ModelState.AddModelError(string.Empty, failure.ApiMessage ?? "Agile Planner did not accept this story.");
            return View("Project", await LoadAsync(id, null, null, null, form, cancellationToken));
        }
    }

    private async Task<ProjectViewModel> LoadAsync(string id, string? iteration, string? state, string? cursor, NewStoryForm form, CancellationToken cancellationToken)
    {
        // The project and its iterations need only the id: asked for at once, the page waits for one answer, not two in a
        // row. When both fail, WhenAll reports the first task's failure: the project's (its 404 says it does not exist).
        var projectCall = api.GetProjectAsync(id, cancellationToken);
        var iterationsCall = api.GetIterationsAsync(id, cancellationToken).ToListAsync(cancellationToken).AsTask();
        await Task.WhenAll(projectCall, iterationsCall);
        var project = await projectCall;
        var iterations = await iterationsCall;
        var number = int.TryParse(iteration, NumberStyles.None, CultureInfo.InvariantCulture, out var parsed) ? parsed : (int?)null;
        var chosen = iterations.FirstOrDefault(i => i.Number == number)
            ?? iterations.FirstOrDefault(i => i.State == "current")
            ?? iterations.FirstOrDefault();
        var filter = StoryStates.Contains(state) ? state : null;
        var stories = await api.GetStoriesPageAsync(id, chosen?.Number, filter, CleanCursor(cursor), cancellationToken);
        var canWrite = (await session.GetTokensAsync())?.HasScope(AgilePlannerScopes.Write) == true;
        return new ProjectViewModel(project, iterations, chosen, filter, stories, !string.IsNullOrEmpty(cursor), canWrite, form);
    }

    private static bool IsId(string id) => IdPattern().IsMatch(id);

    private static string? CleanCursor(string? cursor) => cursor is { Length: > 0 and <= 512 } ? cursor : null;

    [GeneratedRegex("^[A-Za-z0-9_-]{1,64}$")]
    private static partial Regex IdPattern();
}
