using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using AgilePlanner.WebApp.Tests.Infrastructure;

namespace AgilePlanner.WebApp.Tests.Sandbox;

/// <summary>The API v1 contract: Bearer answers, the demo data, paging, filters, errors and the write scope.</summary>
public sealed class ApiTests : IAsyncLifetime
{
    private readonly AgilePlannerAppFactory _app = new();
    private HttpClient? _http;

    /// <summary>Created on first use, so a test can still change settings before the host starts.</summary>
    private HttpClient Http => _http ??= _app.CreateClient();

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData(null)]
    [InlineData("not-a-token")]
    [InlineData("")]
    public async Task Missing_or_malformed_token_answers_401_invalid_token(string? token)
    {
        using var response = await SandboxTokens.GetApiAsync(Http, "/me", token);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        var challenge = response.Headers.WwwAuthenticate.Single();
        Assert.Equal("Bearer", challenge.Scheme);
        Assert.StartsWith("error=\"invalid_token\"", challenge.Parameter);
    }

    [Fact]
    public async Task Write_without_the_write_scope_answers_403_insufficient_scope()
    {
        var token = await TokenAsync("read");

        using var response = await PostStoryAsync(token, await FirstProjectIdAsync(token), """{"title":"Try it","type":"feature","points":1}""");

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        var challenge = response.Headers.WwwAuthenticate.Single();
        Assert.Equal("Bearer", challenge.Scheme);
        Assert.StartsWith("error=\"insufficient_scope\", scope=\"write\"", challenge.Parameter);
    }

    [Fact]
    public async Task Read_without_the_read_scope_answers_403()
    {
        var token = await TokenAsync("write");

        using var response = await SandboxTokens.GetApiAsync(Http, "/projects", token);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Contains("scope=\"read\"", response.Headers.WwwAuthenticate.Single().Parameter);
    }

    [Fact]
    public async Task Me_describes_the_token_owner_with_iso_utc_timestamps()
    {
        var token = await TokenAsync();

        using var response = await SandboxTokens.GetApiAsync(Http, "/me", token);

        var me = await response.Content.ReadFromJsonAsync<JsonElement>(Cancel);
        Assert.Equal("application/json", response.Content.Headers.ContentType!.MediaType);
        Assert.Equal(["id", "name", "email", "company", "timeZone", "createdAt"], me.EnumerateObject().Select(p => p.Name));
        Assert.Equal("Ada Lovelace", me.GetProperty("name").GetString());
        Assert.Equal("Europe/London", me.GetProperty("timeZone").GetString());
        Assert.EndsWith("Z", me.GetProperty("createdAt").GetString());
    }

    [Fact]
    public async Task Me_answers_304_when_the_etag_still_matches()
    {
        var token = await TokenAsync();
        using var first = await SandboxTokens.GetApiAsync(Http, "/me", token);
        var etag = first.Headers.ETag!;

        using var request = new HttpRequestMessage(HttpMethod.Get, "/sandbox/api/v1/me");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        request.Headers.IfNoneMatch.Add(etag);
        using var second = await Http.SendAsync(request, Cancel);

        Assert.Equal(HttpStatusCode.NotModified, second.StatusCode);
        Assert.Equal(etag, second.Headers.ETag);
        Assert.Empty(await second.Content.ReadAsByteArrayAsync(Cancel));
    }

    [Fact]
    public async Task Demo_account_has_three_projects_with_iterations_in_every_state_and_stories_of_every_kind()
    {
        var token = await TokenAsync();

        var projects = await GetJsonAsync(token, "/projects");
        var items = projects.GetProperty("items").EnumerateArray().ToList();
        Assert.True(items.Count >= 3);
        Assert.Equal(JsonValueKind.Null, projects.GetProperty("nextCursor").ValueKind);
        Assert.Equal(["id", "name", "description", "velocity", "currentIteration", "memberCount", "updatedAt"],
            items[0].EnumerateObject().Select(p => p.Name));

        foreach (var project in items)
        {
            var id = project.GetProperty("id").GetInt32();
            var iterations = (await GetJsonAsync(token, $"/projects/{id}/iterations")).GetProperty("items").EnumerateArray().ToList();
            Assert.Equal(["done", "current", "planned"], iterations.Select(i => i.GetProperty("state").GetString()).Distinct());
            Assert.Equal(iterations.Single(i => i.GetProperty("state").GetString() == "current").GetProperty("number").GetInt32(),
                project.GetProperty("currentIteration").GetInt32());
            Assert.True(project.GetProperty("velocity").GetInt32() > 0);

            var stories = await AllStoriesAsync(token, id);
            Assert.True(stories.Count >= 24, $"project {id} has {stories.Count} stories");
            Assert.Equal(["bug", "chore", "feature"], stories.Select(s => s.GetProperty("type").GetString()).Distinct().Order());
            Assert.Equal(["accepted", "finished", "started", "unstarted"], stories.Select(s => s.GetProperty("state").GetString()).Distinct().Order());
            Assert.Equal(["id", "title", "type", "state", "points", "ownerName", "labels", "updatedAt"],
                stories[0].EnumerateObject().Select(p => p.Name));
        }
    }

    [Fact]
    public async Task Paging_walks_every_story_once_with_the_next_cursor()
    {
        var token = await TokenAsync();
        var projectId = await FirstProjectIdAsync(token);
        var all = (await GetJsonAsync(token, $"/projects/{projectId}/stories?limit=100")).GetProperty("items")
            .EnumerateArray().Select(s => s.GetProperty("id").GetInt32()).ToList();

        var seen = new List<int>();
        string? cursor = null;
        var pages = 0;
        do
        {
            var page = await GetJsonAsync(token, $"/projects/{projectId}/stories?limit=7" + (cursor is null ? "" : "&cursor=" + Uri.EscapeDataString(cursor)));
            var ids = page.GetProperty("items").EnumerateArray().Select(s => s.GetProperty("id").GetInt32()).ToList();
            Assert.InRange(ids.Count, 1, 7);
            seen.AddRange(ids);
            cursor = page.GetProperty("nextCursor").GetString();
            pages++;
        }
        while (cursor is not null);

        Assert.Equal(all, seen);
        Assert.Equal((all.Count + 6) / 7, pages);
    }

    [Fact]
    public async Task Default_page_size_is_25()
    {
        var token = await TokenAsync();
        var projectId = await FirstProjectIdAsync(token);

        var page = await GetJsonAsync(token, $"/projects/{projectId}/stories");

        Assert.Equal(25, page.GetProperty("items").GetArrayLength());
        Assert.NotEqual(JsonValueKind.Null, page.GetProperty("nextCursor").ValueKind);
    }

    [Theory]
    [InlineData("?limit=0")]
    [InlineData("?limit=101")]
    [InlineData("?limit=ten")]
    [InlineData("?limit=-1")]
    [InlineData("?cursor=garbage")]
    [InlineData("?cursor=djE6LTU")]
    [InlineData("?state=done")]
    [InlineData("?state=STARTED")]
    [InlineData("?iteration=first")]
    [InlineData("?iteration=0")]
    public async Task Bad_paging_or_filter_answers_400_invalid_request(string query)
    {
        var token = await TokenAsync();
        var projectId = await FirstProjectIdAsync(token);

        using var response = await SandboxTokens.GetApiAsync(Http, $"/projects/{projectId}/stories{query}", token);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var error = await response.Content.ReadFromJsonAsync<JsonElement>(Cancel);
        Assert.Equal("invalid_request", error.GetProperty("error").GetString());
        Assert.False(string.IsNullOrWhiteSpace(error.GetProperty("message").GetString()));
    }

    [Fact]
    public async Task Stories_filter_by_iteration_and_state()
    {
        var token = await TokenAsync();
        var projectId = await FirstProjectIdAsync(token);
        var project = await GetJsonAsync(token, $"/projects/{projectId}");
        var current = project.GetProperty("currentIteration").GetInt32();

        var started = (await GetJsonAsync(token, $"/projects/{projectId}/stories?iteration={current}&state=started&limit=100"))
            .GetProperty("items").EnumerateArray().ToList();
        var everyInCurrent = (await GetJsonAsync(token, $"/projects/{projectId}/stories?iteration={current}&limit=100"))
            .GetProperty("items").EnumerateArray().ToList();

        Assert.NotEmpty(started);
        Assert.All(started, s => Assert.Equal("started", s.GetProperty("state").GetString()));
        Assert.True(everyInCurrent.Count > started.Count);
    }

    [Fact]
    public async Task Another_accounts_project_is_not_found()
    {
        var adaToken = await TokenAsync();
        var adaProject = await FirstProjectIdAsync(adaToken);
        using var grace = await SandboxUser.SignUpAsync(_app);
        var graceToken = (await grace.GetTokensAsync()).AccessToken!;

        using var response = await SandboxTokens.GetApiAsync(Http, $"/projects/{adaProject}", graceToken);
        using var stories = await SandboxTokens.GetApiAsync(Http, $"/projects/{adaProject}/stories", graceToken);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("not_found", (await response.Content.ReadFromJsonAsync<JsonElement>(Cancel)).GetProperty("error").GetString());
        Assert.Equal(HttpStatusCode.NotFound, stories.StatusCode);
    }

    [Theory]
    [InlineData("/projects/999999")]
    [InlineData("/projects/abc")]
    [InlineData("/projects/1/stories/999999")]
    [InlineData("/no-such-endpoint")]
    public async Task Unknown_things_answer_404_not_found_json(string path)
    {
        var token = await TokenAsync();

        using var response = await SandboxTokens.GetApiAsync(Http, path, token);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("not_found", (await response.Content.ReadFromJsonAsync<JsonElement>(Cancel)).GetProperty("error").GetString());
    }

    [Fact]
    public async Task New_account_sees_its_starter_project()
    {
        using var grace = await SandboxUser.SignUpAsync(_app, name: "Grace Hopper");
        var token = (await grace.GetTokensAsync()).AccessToken!;

        var me = await GetJsonAsync(token, "/me");
        var projects = (await GetJsonAsync(token, "/projects")).GetProperty("items").EnumerateArray().ToList();

        Assert.Equal("Grace Hopper", me.GetProperty("name").GetString());
        var starter = Assert.Single(projects);
        Assert.Equal("My first project", starter.GetProperty("name").GetString());
        Assert.NotEmpty((await GetJsonAsync(token, $"/projects/{starter.GetProperty("id").GetInt32()}/stories")).GetProperty("items").EnumerateArray());
    }

    [Fact]
    public async Task Post_story_with_write_answers_201_with_the_story_and_its_location()
    {
        var token = await TokenAsync("read write");
        var projectId = await FirstProjectIdAsync(token);

        using var response = await PostStoryAsync(token, projectId, """{"title":"Punch the Bernoulli cards","type":"chore","points":2}""");

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var story = await response.Content.ReadFromJsonAsync<JsonElement>(Cancel);
        Assert.Equal("Punch the Bernoulli cards", story.GetProperty("title").GetString());
        Assert.Equal("chore", story.GetProperty("type").GetString());
        Assert.Equal("unstarted", story.GetProperty("state").GetString());
        Assert.Equal(2, story.GetProperty("points").GetInt32());
        var location = response.Headers.Location!.OriginalString;
        Assert.Equal($"/sandbox/api/v1/projects/{projectId}/stories/{story.GetProperty("id").GetInt32()}", location);
        var fetched = await GetJsonAsync(token, location["/sandbox/api/v1".Length..]);
        Assert.Equal("Punch the Bernoulli cards", fetched.GetProperty("title").GetString());
    }

    [Theory]
    [InlineData("""{"title":"","type":"feature"}""", "title")]
    [InlineData("""{"title":"Ok","type":"epic"}""", "type")]
    [InlineData("""{"title":"Ok","type":"bug","points":-3}""", "points")]
    [InlineData("""{"title":"Ok","type":"bug","points":"many"}""", "JSON")]
    [InlineData("""not json""", "JSON")]
    public async Task Post_story_with_bad_input_answers_400_invalid_request(string body, string mentioned)
    {
        var token = await TokenAsync("read write");

        using var response = await PostStoryAsync(token, await FirstProjectIdAsync(token), body);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var error = await response.Content.ReadFromJsonAsync<JsonElement>(Cancel);
        Assert.Equal("invalid_request", error.GetProperty("error").GetString());
        Assert.Contains(mentioned, error.GetProperty("message").GetString());
    }

    [Fact]
    public async Task Too_many_api_calls_answer_429_with_retry_after()
    {
        _app.With("Sandbox:RateLimits:ApiPerMinute", "2");
        var token = await TokenAsync();

        using var first = await SandboxTokens.GetApiAsync(Http, "/me", token);
        using var second = await SandboxTokens.GetApiAsync(Http, "/me", token);
        using var third = await SandboxTokens.GetApiAsync(Http, "/me", token);

        Assert.Equal(HttpStatusCode.OK, second.StatusCode);
        Assert.Equal(HttpStatusCode.TooManyRequests, third.StatusCode);
        Assert.True(third.Headers.RetryAfter!.Delta > TimeSpan.Zero);
        Assert.Equal("rate_limited", (await third.Content.ReadFromJsonAsync<JsonElement>(Cancel)).GetProperty("error").GetString());
    }

    [Fact]
    public async Task Each_token_has_its_own_api_allowance_so_users_behind_one_address_do_not_share_one()
    {
        _app.With("Sandbox:RateLimits:ApiPerMinute", "2");
        var ada = await TokenAsync();
        using var grace = await SandboxUser.SignUpAsync(_app);
        var graces = (await grace.GetTokensAsync()).AccessToken!;

        using var first = await SandboxTokens.GetApiAsync(Http, "/me", ada);
        using var second = await SandboxTokens.GetApiAsync(Http, "/me", ada);
        using var third = await SandboxTokens.GetApiAsync(Http, "/me", ada);
        using var other = await SandboxTokens.GetApiAsync(Http, "/me", graces);

        Assert.Equal(HttpStatusCode.TooManyRequests, third.StatusCode);
        Assert.Equal(HttpStatusCode.OK, other.StatusCode);
    }

    [Fact]
    public async Task New_tokens_cannot_lift_the_ceiling_on_one_address()
    {
        _app.With("Sandbox:RateLimits:ApiPerMinute", "100").With("Sandbox:RateLimits:ApiPerMinutePerAddress", "3");
        var statuses = new List<HttpStatusCode>();

        for (var i = 0; i < 4; i++)
        {
            using var response = await SandboxTokens.GetApiAsync(Http, "/me", $"made-up-token-{i}");
            statuses.Add(response.StatusCode);
        }

        Assert.Equal([HttpStatusCode.Unauthorized, HttpStatusCode.Unauthorized, HttpStatusCode.Unauthorized, HttpStatusCode.TooManyRequests], statuses);
    }

    private async Task<string> TokenAsync(string scope = "read")
    {
        using var ada = await SandboxUser.SignInAsync(_app);
        return (await ada.GetTokensAsync(scope)).AccessToken!;
    }

    private async Task<int> FirstProjectIdAsync(string token) =>
        (await GetJsonAsync(token, "/projects")).GetProperty("items")[0].GetProperty("id").GetInt32();

    private async Task<JsonElement> GetJsonAsync(string token, string path)
    {
        using var response = await SandboxTokens.GetApiAsync(Http, path, token);
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"GET {path} answered {(int)response.StatusCode}");
        return await response.Content.ReadFromJsonAsync<JsonElement>(Cancel);
    }

    private async Task<List<JsonElement>> AllStoriesAsync(string token, int projectId) =>
        (await GetJsonAsync(token, $"/projects/{projectId}/stories?limit=100")).GetProperty("items").EnumerateArray().ToList();

    private async Task<HttpResponseMessage> PostStoryAsync(string token, int projectId, string json)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/sandbox/api/v1/projects/{projectId}/stories")
        {
            Content = new StringContent(json, Encoding.UTF8, "application/json"),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return await Http.SendAsync(request, Cancel);
    }

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public async ValueTask DisposeAsync()
    {
        _http?.Dispose();
        await _app.DisposeAsync();
    }
}
