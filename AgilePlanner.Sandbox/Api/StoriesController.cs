using System.Globalization;
using System.Text.Json;
using AgilePlanner.Sandbox.Authorization;
using AgilePlanner.Sandbox.Planning;
using AgilePlanner.Sandbox.Storage;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;

namespace AgilePlanner.Sandbox.Api;

/// <summary><c>GET /projects/{id}/stories?iteration=&amp;state=</c> and <c>POST /projects/{id}/stories</c> (scope write).</summary>
internal sealed class StoriesController(SandboxDbContext db, TimeProvider time) : ApiControllerBase(db)
{
    private const int MaxTitleLength = 200;
    private const int MaxPoints = 100;

    [HttpGet("/sandbox/api/v1/projects/{projectId}/stories")]
    [RequireScope(SandboxScopes.Read)]
    public async Task<IActionResult> List(
        string projectId, [FromQuery] string? iteration, [FromQuery] string? state, [FromQuery] string? limit, [FromQuery] string? cursor)
    {
        if (!Paging.TryParse(limit, cursor, out var paging, out var error))
        {
            return ApiError.InvalidRequest(error);
        }

        int? iterationNumber = null;
        if (iteration is not null)
        {
            if (!int.TryParse(iteration, NumberStyles.None, CultureInfo.InvariantCulture, out var number) || number < 1)
            {
                return ApiError.InvalidRequest("iteration must be an iteration number (1, 2, ...).");
            }
            iterationNumber = number;
        }

        StoryState? stateFilter = null;
        if (state is not null)
        {
            if (!TryParseWire<StoryState>(state, out var parsed))
            {
                return ApiError.InvalidRequest("state must be one of unstarted, started, finished, accepted.");
            }
            stateFilter = parsed;
        }

        var project = await FindOwnProjectAsync(projectId);
        if (project is null)
        {
            return ProjectNotFound(projectId);
        }

        var query = Db.Stories.AsNoTracking().Where(s => s.ProjectId == project.Id && s.Id > paging.After);
        if (iterationNumber is { } wanted)
        {
            query = query.Where(s => s.IterationNumber == wanted);
        }
        if (stateFilter is { } wantedState)
        {
            query = query.Where(s => s.State == wantedState);
        }
        var stories = await query.OrderBy(s => s.Id).Take(paging.Limit + 1).ToListAsync(HttpContext.RequestAborted);
        return Ok(paging.PageOf(stories, s => s.Id, StoryResponse.From));
    }

    [HttpGet("/sandbox/api/v1/projects/{projectId}/stories/{storyId}", Name = "GetStory")]
    [RequireScope(SandboxScopes.Read)]
    public async Task<IActionResult> Get(string projectId, string storyId)
    {
        var project = await FindOwnProjectAsync(projectId);
        if (project is null)
        {
            return ProjectNotFound(projectId);
        }
        var story = int.TryParse(storyId, NumberStyles.None, CultureInfo.InvariantCulture, out var id)
            ? await Db.Stories.AsNoTracking().FirstOrDefaultAsync(s => s.ProjectId == project.Id && s.Id == id, HttpContext.RequestAborted)
            : null;
        return story is null ? ApiError.NotFound($"No story '{storyId}' in this project.") : Ok(StoryResponse.From(story));
    }

    [HttpPost("/sandbox/api/v1/projects/{projectId}/stories")]
    [RequireScope(SandboxScopes.Write)]
    public async Task<IActionResult> Create(string projectId)
    {
        if (!Request.HasJsonContentType())
        {
            return ApiError.InvalidRequest("Send the story as JSON (Content-Type: application/json): {\"title\",\"type\",\"points\"}.");
        }

        NewStoryRequest? input;
        try
        {
            input = await JsonSerializer.DeserializeAsync<NewStoryRequest>(Request.Body, ApiJson.Options, HttpContext.RequestAborted);
        }
        catch (JsonException)
        {
            return ApiError.InvalidRequest("The body is not valid JSON of the form {\"title\",\"type\",\"points\"}.");
        }

        var title = input?.Title?.Trim();
        if (string.IsNullOrEmpty(title) || title.Length > MaxTitleLength)
        {
            return ApiError.InvalidRequest($"title is required, at most {MaxTitleLength} characters.");
        }
        if (input!.Type is null || !TryParseWire<StoryType>(input.Type, out var type))
        {
            return ApiError.InvalidRequest("type must be one of feature, bug, chore.");
        }
        if (input.Points is < 0 or > MaxPoints)
        {
            return ApiError.InvalidRequest($"points must be empty or a whole number from 0 to {MaxPoints}.");
        }

        var found = await FindOwnProjectAsync(projectId);
        var project = found is null ? null : await Db.Projects.Include(p => p.Iterations)
            .FirstAsync(p => p.Id == found.Id, HttpContext.RequestAborted);
        if (project is null)
        {
            return ProjectNotFound(projectId);
        }

        // New work lands in the current iteration, so it shows where the team is looking.
        var iteration = project.Iterations.FirstOrDefault(i => i.State == IterationState.Current)
            ?? project.Iterations.OrderByDescending(i => i.Number).FirstOrDefault();
        var now = time.GetUtcNow().UtcDateTime;
        var story = new Story
        {
            ProjectId = project.Id,
            IterationNumber = iteration?.Number ?? 1,
            Title = title,
            Type = type,
            State = StoryState.Unstarted,
            Points = input.Points,
            UpdatedAt = now,
        };
        Db.Stories.Add(story);
        project.UpdatedAt = now;
        await Db.SaveChangesAsync(HttpContext.RequestAborted);

        var location = $"/sandbox/api/v1/projects/{project.Id}/stories/{story.Id}";
        return Created(location, StoryResponse.From(story));
    }

    private static bool TryParseWire<TEnum>(string value, out TEnum parsed) where TEnum : struct, Enum
    {
        foreach (var candidate in Enum.GetValues<TEnum>())
        {
            if (StoryResponse.Wire(candidate) == value)
            {
                parsed = candidate;
                return true;
            }
        }
        parsed = default;
        return false;
    }
}
