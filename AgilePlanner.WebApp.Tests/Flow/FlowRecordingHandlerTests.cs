using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using AgilePlanner.WebApp.Flow;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging.Abstractions;

namespace AgilePlanner.WebApp.Tests.Flow;

public sealed class FlowRecordingHandlerTests
{
    private const string ClientSecret = "sandbox-secret-not-for-production";
    private const string Code = "Rm9yIHRoZSBjb2RlLCBub3QgZm9yIHlvdXIgZXllcw";
    private const string Verifier = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
    private const string Challenge = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM";
    private const string AccessToken = "AT-9c1f4e2b7a8d6035e1f2a3b4c5d6e7f8091a2b3c";
    private const string RefreshToken = "RT-0f9e8d7c6b5a49382716a5b4c3d2e1f0ffeeddcc";

    private readonly FlowTestContext _flow = new();

    [Fact]
    public async Task A_code_exchange_becomes_a_token_request_and_a_token_response_with_every_secret_masked()
    {
        var (client, cookie) = await ClientAsync(_ => Json(HttpStatusCode.OK,
            $$"""{"access_token":"{{AccessToken}}","token_type":"Bearer","expires_in":3600,"refresh_token":"{{RefreshToken}}","scope":"read"}"""));

        using var response = await client.PostAsync("http://localhost/sandbox/oauth/token", Form(
            ("grant_type", "authorization_code"), ("code", Code), ("redirect_uri", "http://localhost/callback"),
            ("client_id", "agile-planner-connect"), ("client_secret", ClientSecret), ("code_verifier", Verifier)),
            TestContext.Current.CancellationToken);

        var record = await RecordAsync(cookie);
        Assert.Equal([FlowStepKind.Authorize, FlowStepKind.TokenRequest, FlowStepKind.TokenResponse], record.Steps.Select(s => s.Kind));
        var request = record.Steps[1].Request!;
        Assert.Equal("POST", request.Method);
        Assert.Equal("http://localhost/sandbox/oauth/token", request.Url);
        var form = request.Form.ToDictionary(f => f.Name, f => f.Value);
        Assert.Equal("authorization_code", form["grant_type"]);
        Assert.Equal("agile-planner-connect", form["client_id"]);
        Assert.Equal("sand…tion", form["client_secret"]);
        Assert.Equal("Rm9y…llcw", form["code"]);
        Assert.Equal("dBjf…EjXk", form["code_verifier"]);
        Assert.Equal(Challenge, record.Steps[1].CodeVerifierHash);

        var answer = record.Steps[2].Response!;
        Assert.Equal(200, answer.Status);
        Assert.True(answer.BodyIsJson);
        Assert.Contains("\"access_token\": \"AT-9…2b3c\"", answer.Body);
        Assert.Contains("\"refresh_token\": \"RT-0…ddcc\"", answer.Body);
        Assert.Contains("\"expires_in\": 3600", answer.Body);
        Assert.NotNull(record.Steps[2].DurationMs);

        AssertNoSecretIn(record);
        Assert.Contains(AccessToken, await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task An_api_call_shows_the_bearer_header_masked_the_status_and_the_size()
    {
        const string body = """{"id":"1","name":"Ada Lovelace","email":"demo@agileplanner.test"}""";
        var (client, cookie) = await ClientAsync(_ => Json(HttpStatusCode.OK, body));
        using var request = new HttpRequestMessage(HttpMethod.Get, "http://localhost/sandbox/api/v1/me");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", AccessToken);

        using var response = await client.SendAsync(request, TestContext.Current.CancellationToken);

        var step = (await RecordAsync(cookie)).Steps[^1];
        Assert.Equal(FlowStepKind.ApiCall, step.Kind);
        Assert.Equal("GET", step.Request!.Method);
        Assert.Contains(KeyValuePair.Create("Authorization", "Bearer AT-9…2b3c"), step.Request.Headers);
        Assert.Equal(200, step.Response!.Status);
        Assert.Equal(Encoding.UTF8.GetByteCount(body), step.Response.BodyBytes);
        Assert.Contains("Ada Lovelace", step.Response.Body);
        Assert.Equal(body, await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task A_refused_api_call_is_marked_failed_with_what_the_status_means()
    {
        var (client, cookie) = await ClientAsync(_ =>
        {
            var response = new HttpResponseMessage(HttpStatusCode.Unauthorized);
            response.Headers.WwwAuthenticate.ParseAdd("Bearer error=\"invalid_token\"");
            return response;
        });

        using var response = await client.GetAsync("http://localhost/sandbox/api/v1/projects", TestContext.Current.CancellationToken);

        var step = (await RecordAsync(cookie)).Steps[^1];
        Assert.True(step.Failed);
        Assert.StartsWith("401:", step.Outcome);
        Assert.Contains(KeyValuePair.Create("WWW-Authenticate", "Bearer error=\"invalid_token\""), step.Response!.Headers);
    }

    [Fact]
    public async Task A_refresh_is_one_step_with_the_old_and_new_tokens_masked()
    {
        var (client, cookie) = await ClientAsync(_ => Json(HttpStatusCode.OK,
            $$"""{"access_token":"{{AccessToken}}","token_type":"Bearer","expires_in":3600,"refresh_token":"{{RefreshToken}}x"}"""));

        using var response = await client.PostAsync("http://localhost/sandbox/oauth/token", Form(
            ("grant_type", "refresh_token"), ("refresh_token", RefreshToken), ("client_id", "agile-planner-connect"), ("client_secret", ClientSecret)),
            TestContext.Current.CancellationToken);

        var record = await RecordAsync(cookie);
        var step = Assert.Single(record.Steps, s => s.Kind == FlowStepKind.Refresh);
        Assert.Equal("RT-0…ddcc", step.Request!.Form.Single(f => f.Name == "refresh_token").Value);
        Assert.Contains("\"refresh_token\": \"RT-0…dccx\"", step.Response!.Body);
        AssertNoSecretIn(record);
    }

    [Fact]
    public async Task A_revocation_is_recognised_by_its_token_parameter()
    {
        var (client, cookie) = await ClientAsync(_ => new HttpResponseMessage(HttpStatusCode.OK));

        using var response = await client.PostAsync("http://localhost/sandbox/oauth/revoke", Form(
            ("token", RefreshToken), ("token_type_hint", "refresh_token"), ("client_id", "agile-planner-connect"), ("client_secret", ClientSecret)),
            TestContext.Current.CancellationToken);

        var record = await RecordAsync(cookie);
        var step = Assert.Single(record.Steps, s => s.Kind == FlowStepKind.Revocation);
        Assert.Equal("refresh_token", step.Request!.Form.Single(f => f.Name == "token_type_hint").Value);
        AssertNoSecretIn(record);
    }

    [Fact]
    public async Task A_failed_token_exchange_is_recorded_with_the_providers_error()
    {
        var (client, cookie) = await ClientAsync(_ => Json(HttpStatusCode.BadRequest,
            """{"error":"invalid_grant","error_description":"The authorization code has already been redeemed."}"""));

        using var response = await client.PostAsync("http://localhost/sandbox/oauth/token", Form(
            ("grant_type", "authorization_code"), ("code", Code), ("client_secret", ClientSecret), ("code_verifier", Verifier)),
            TestContext.Current.CancellationToken);

        var answer = (await RecordAsync(cookie)).Steps[^1];
        Assert.Equal(FlowStepKind.TokenResponse, answer.Kind);
        Assert.True(answer.Failed);
        Assert.Contains("invalid_grant", answer.Response!.Body);
        Assert.StartsWith("400:", answer.Outcome);
    }

    [Fact]
    public async Task A_call_that_gets_no_answer_is_recorded_as_a_failure_and_still_fails_for_the_caller()
    {
        var (client, cookie) = await ClientAsync(_ => throw new HttpRequestException($"Connection refused while sending {ClientSecret}"));

        await Assert.ThrowsAsync<HttpRequestException>(() => client.PostAsync("http://localhost/sandbox/oauth/token", Form(
            ("grant_type", "authorization_code"), ("code", Code), ("client_secret", ClientSecret)),
            TestContext.Current.CancellationToken));

        var record = await RecordAsync(cookie);
        var failure = record.Steps[^1];
        Assert.Equal(FlowStepKind.Failure, failure.Kind);
        Assert.True(failure.Failed);
        Assert.Contains("Connection refused", failure.Outcome);
        AssertNoSecretIn(record);
    }

    [Fact]
    public async Task A_token_answer_that_is_not_json_still_has_its_tokens_masked()
    {
        var (client, cookie) = await ClientAsync(_ => new HttpResponseMessage(HttpStatusCode.OK)
        {
            Content = new StringContent($"access_token={AccessToken}&token_type=bearer&refresh_token={RefreshToken}", Encoding.UTF8, "text/plain"),
        });

        using var response = await client.PostAsync("http://localhost/sandbox/oauth/token", Form(("grant_type", "authorization_code"), ("code", Code)),
            TestContext.Current.CancellationToken);

        AssertNoSecretIn(await RecordAsync(cookie));
    }

    [Fact]
    public async Task A_huge_body_is_recorded_cut_short_and_reaches_the_caller_whole()
    {
        var huge = "[" + string.Join(',', Enumerable.Repeat("\"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\"", 20_000)) + "]";
        var (client, cookie) = await ClientAsync(_ => new HttpResponseMessage(HttpStatusCode.OK)
        {
            Content = new StreamContent(new MemoryStream(Encoding.UTF8.GetBytes(huge))),
        });

        using var response = await client.GetAsync("http://localhost/sandbox/api/v1/projects", HttpCompletionOption.ResponseHeadersRead, TestContext.Current.CancellationToken);

        var step = (await RecordAsync(cookie)).Steps[^1];
        Assert.True(step.Response!.BodyTruncated);
        Assert.Equal(_flow.Options.MaxBodyChars, step.Response.Body!.Length);
        Assert.Equal(huge, await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task Without_a_record_in_this_browser_calls_pass_through_unrecorded()
    {
        var context = FlowTestContext.Request();
        using var client = Client(context, _ => Json(HttpStatusCode.OK, "{}"));

        using var response = await client.GetAsync("http://localhost/sandbox/api/v1/me", TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Null(await _flow.Recorder.GetAsync(context));
        Assert.False(context.Response.Headers.ContainsKey("Set-Cookie"));
    }

    private async Task<(HttpClient Client, string Cookie)> ClientAsync(Func<HttpRequestMessage, HttpResponseMessage> answer)
    {
        var cookie = await _flow.StartAsync();
        return (Client(FlowTestContext.Request(cookie), answer), cookie);
    }

    private HttpClient Client(HttpContext context, Func<HttpRequestMessage, HttpResponseMessage> answer)
    {
        var handler = new FlowRecordingHandler(_flow.Recorder, new FixedHttpContextAccessor(context), _flow.Time, NullLogger<FlowRecordingHandler>.Instance)
        {
            InnerHandler = new Answering(answer),
        };
        return new HttpClient(handler);
    }

    private async Task<FlowRecord> RecordAsync(string cookie) =>
        await _flow.Recorder.GetAsync(FlowTestContext.Request(cookie)) ?? throw new InvalidOperationException("No record.");

    private static void AssertNoSecretIn(FlowRecord record)
    {
        var stored = JsonSerializer.Serialize(record);
        foreach (var secret in new[] { ClientSecret, Code, Verifier, AccessToken, RefreshToken, Uri.EscapeDataString(ClientSecret) })
        {
            Assert.DoesNotContain(secret, stored);
        }
    }

    private static FormUrlEncodedContent Form(params (string Name, string Value)[] fields) =>
        new(fields.Select(f => KeyValuePair.Create(f.Name, f.Value)));

    private static HttpResponseMessage Json(HttpStatusCode status, string json) =>
        new(status) { Content = new StringContent(json, Encoding.UTF8, "application/json") };

    // The framework's accessor keeps the context in an AsyncLocal, which would not outlive the async helper that sets it.
    private sealed class FixedHttpContextAccessor(HttpContext context) : IHttpContextAccessor
    {
        public HttpContext? HttpContext { get => context; set => throw new NotSupportedException(); }
    }

    private sealed class Answering(Func<HttpRequestMessage, HttpResponseMessage> answer) : HttpMessageHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
            Task.FromResult(answer(request));
    }
}
