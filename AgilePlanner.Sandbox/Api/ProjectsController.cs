using AgilePlanner.Sandbox.Planning;
using AgilePlanner.Sandbox.Storage;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;

namespace AgilePlanner.Sandbox.Api;

/// <summary><c>GET /projects</c>, <c>GET /projects/{id}</c> and <c>GET /projects/{id}/iterations</c>, for the token owner only.</summary>
internal sealed class ProjectsController(SandboxDbContext db) : ApiControllerBase(db)
{
    [HttpGet("/sandbox/api/v1/projects")]
    [RequireScope(Authorization.SandboxScopes.Read)]
    public async Task<IActionResult> List([FromQuery] string? limit, [FromQuery] string? cursor)
    {
        if (!Paging.TryParse(limit, cursor, out var paging, out var error))
        {
            return ApiError.InvalidRequest(error);
        }

        var projects = await Db.Projects.AsNoTracking()
            .Where(p => p.OwnerId == OwnerId && p.Id > paging.After)
            .OrderBy(p => p.Id)
            .Take(paging.Limit + 1)
            .ToListAsync(HttpContext.RequestAborted);
        var summaries = await SummariesAsync(projects.Select(p => p.Id).ToList());
        return Ok(paging.PageOf(projects, p => p.Id, p => ToResponse(p, summaries)));
    }

    [HttpGet("/sandbox/api/v1/projects/{projectId}")]
    [RequireScope(Authorization.SandboxScopes.Read)]
    public async Task<IActionResult> Get(string projectId)
    {
        var project = await FindOwnProjectAsync(projectId);
        if (project is null)
        {
            return ProjectNotFound(projectId);
        }
        return Ok(ToResponse(project, await SummariesAsync([project.Id])));
    }

    [HttpGet("/sandbox/api/v1/projects/{projectId}/iterations")]
    [RequireScope(Authorization.SandboxScopes.Read)]
    public async Task<IActionResult> Iterations(string projectId, [FromQuery] string? limit, [FromQuery] string? cursor)
    {
        if (!Paging.TryParse(limit, cursor, out var paging, out var error))
        {
            return ApiError.InvalidRequest(error);
        }
        var project = await FindOwnProjectAsync(projectId);
        if (project is null)
        {
            return ProjectNotFound(projectId);
        }

        var iterations = await Db.Iterations.AsNoTracking()
            .Where(i => i.ProjectId == project.Id && i.Number > paging.After)
            .OrderBy(i => i.Number)
            .Take(paging.Limit + 1)
            .ToListAsync(HttpContext.RequestAborted);
        var numbers = iterations.Select(i => i.Number).ToList();
        var points = await Db.Stories.AsNoTracking()
            .Where(s => s.ProjectId == project.Id && numbers.Contains(s.IterationNumber))
            .GroupBy(s => s.IterationNumber)
            .Select(g => new { Number = g.Key, Points = g.Sum(s => s.Points ?? 0) })
            .ToDictionaryAsync(g => g.Number, g => g.Points, HttpContext.RequestAborted);

        return Ok(paging.PageOf(iterations, i => i.Number, i => new IterationResponse(
            i.Id, i.Number, i.Name, i.Start, i.Finish, StoryResponse.Wire(i.State), points.GetValueOrDefault(i.Number))));
    }

    private sealed record Summary(int Velocity, int? CurrentIteration);

    /// <summary>Velocity (accepted points per done iteration, over the last three) and the current iteration's number.</summary>
    private async Task<Dictionary<int, Summary>> SummariesAsync(List<int> projectIds)
    {
        var iterations = await Db.Iterations.AsNoTracking()
            .Where(i => projectIds.Contains(i.ProjectId))
            .Select(i => new { i.ProjectId, i.Number, i.State })
            .ToListAsync(HttpContext.RequestAborted);
        var accepted = await Db.Stories.AsNoTracking()
            .Where(s => projectIds.Contains(s.ProjectId) && s.State == StoryState.Accepted)
            .GroupBy(s => new { s.ProjectId, s.IterationNumber })
            .Select(g => new { g.Key.ProjectId, g.Key.IterationNumber, Points = g.Sum(s => s.Points ?? 0) })
            .ToListAsync(HttpContext.RequestAborted);

        return projectIds.ToDictionary(id => id, id =>
        {
            var done = iterations.Where(i => i.ProjectId == id && i.State == IterationState.Done)
                .OrderByDescending(i => i.Number).Take(3).Select(i => i.Number).ToList();
            var velocity = done.Count == 0 ? 0 : (int)Math.Round(done.Average(number =>
                accepted.Where(a => a.ProjectId == id && a.IterationNumber == number).Sum(a => a.Points)));
            var current = iterations.FirstOrDefault(i => i.ProjectId == id && i.State == IterationState.Current)?.Number;
            return new Summary(velocity, current);
        });
    }

    private static ProjectResponse ToResponse(Project project, Dictionary<int, Summary> summaries)
    {
        var summary = summaries.GetValueOrDefault(project.Id) ?? new Summary(0, null);
        return new ProjectResponse(project.Id, project.Name, project.Description, summary.Velocity,
            summary.CurrentIteration, project.MemberCount, project.UpdatedAt);
    }
}
