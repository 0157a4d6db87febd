using System.Diagnostics;
using System.Net;
using AgilePlanner.WebApp.Hosting;
using AgilePlanner.WebApp.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Serilog.Core;
using Serilog.Events;

namespace AgilePlanner.WebApp.Tests.Operations;

public sealed class LoggingTests : IAsyncLifetime
{
    private const string Code = "SplxlOBeZQQYbYS6WxSbIA";
    private const string State = "af0ifjsldkj-state-value";
    private const string AccessToken = "2YotnFZFEjr1zCsicMWpAA";

    private readonly AgilePlannerAppFactory _app = new();
    private readonly LogEventCapture _events = new();

    public LoggingTests()
    {
        _app.ConfigureTestServices = services => services.AddSingleton<ILogEventSink>(_events);
    }

    [Fact]
    public async Task Each_request_logs_one_line_with_method_path_status_elapsed_and_the_callers_trace_id()
    {
        var traceId = ActivityTraceId.CreateRandom();
        using var client = _app.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/");
        request.Headers.Add("traceparent", $"00-{traceId}-{ActivitySpanId.CreateRandom()}-01");

        using var response = await client.SendAsync(request, TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var line = Assert.Single(_events.Events, e => e.Properties.ContainsKey("RequestPath"));
        Assert.Equal("HTTP GET / responded 200 in ", line.RenderMessage(System.Globalization.CultureInfo.InvariantCulture)[..28]);
        Assert.Equal("\"GET\"", line.Properties["RequestMethod"].ToString());
        Assert.Equal("200", line.Properties["StatusCode"].ToString());
        Assert.True(line.Properties.ContainsKey("Elapsed"));
        Assert.Equal(traceId, line.TraceId);
        Assert.Equal($"\"{traceId}\"", line.Properties["TraceId"].ToString());
    }

    [Fact]
    public async Task The_callbacks_query_string_never_reaches_the_logs_even_with_framework_request_logging_on()
    {
        // The framework's own "Request starting" line carries the full URL with its query: prove it is masked too.
        _app.With("Serilog:MinimumLevel:Override:Microsoft.AspNetCore.Hosting", "Information");
        using var client = _app.CreateClient();

        using (await client.GetAsync($"/callback?code={Code}&state={State}&error_description=access+token+{AccessToken}", TestContext.Current.CancellationToken))
        {
        }

        Assert.Contains(_events.Events, e => e.MessageTemplate.Text.StartsWith("Request starting", StringComparison.Ordinal));
        Assert.Contains(_events.Events, e => e.Properties.TryGetValue("RequestPath", out var path) && path.ToString() == "\"/callback\"");
        AssertNoSecretIn(_events.AllText);
        AssertNoSecretIn(_app.Logs.AllText);
    }

    [Fact]
    public async Task Back_channel_http_client_logs_never_carry_query_strings()
    {
        _app.With("Serilog:MinimumLevel:Override:System.Net.Http.HttpClient", "Information");
        var backChannel = CreateBackChannelClient();

        using (await backChannel.GetAsync($"http://localhost/oauth/token?code={Code}&access_token={AccessToken}", TestContext.Current.CancellationToken))
        {
        }

        Assert.Contains(_events.Events, e => e.MessageTemplate.Text.StartsWith("Sending HTTP request", StringComparison.Ordinal));
        AssertNoSecretIn(_events.AllText);
        AssertNoSecretIn(_app.Logs.AllText);
    }

    [Fact]
    public async Task Back_channel_http_client_logs_are_off_by_default()
    {
        var backChannel = CreateBackChannelClient();

        using (await backChannel.GetAsync("http://localhost/oauth/token", TestContext.Current.CancellationToken))
        {
        }

        Assert.DoesNotContain(_events.Events, e => e.Properties.TryGetValue("SourceContext", out var source) && source.ToString().Contains("System.Net.Http.HttpClient"));
    }

    [Fact]
    public void Secrets_in_structured_properties_are_masked_in_every_sink()
    {
        var logger = _app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("AgilePlanner.Flow");

        logger.LogInformation(
            "Exchanged at {Url} with {Authorization}; tokens {AccessToken} {RefreshToken}, secret {ClientSecret}, verifier {CodeVerifier}, form {Form}",
            $"https://provider.example/callback?code={Code}&state={State}",
            $"Bearer {AccessToken}",
            AccessToken,
            "tGzv3JOkF0XG5Qx2TlKWIA",
            "sandbox-secret-not-for-production",
            "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk",
            $"grant_type=authorization_code&code={Code}&client_secret=s3cr3t-value");

        var line = Assert.Single(_app.Logs.Lines, l => l.Contains("Exchanged at"));
        Assert.Contains("https://provider.example/callback?code=***&state=***", line);
        Assert.Contains("form \"grant_type=authorization_code&code=***&client_secret=***\"", line);
        foreach (var secret in new[] { Code, State, AccessToken, "tGzv3JOkF0XG5Qx2TlKWIA", "sandbox-secret-not-for-production", "dBjftJeZ4CVP", "s3cr3t-value" })
        {
            Assert.DoesNotContain(secret, line);
            Assert.DoesNotContain(secret, _events.AllText);
        }
    }

    [Fact]
    public void A_categorys_logger_is_made_once_and_writes_to_every_sink()
    {
        var factory = _app.Services.GetRequiredService<ILoggerFactory>();

        var first = factory.CreateLogger("AgilePlanner.Flow");
        var second = factory.CreateLogger("AgilePlanner.Flow");
        second.LogInformation("Second logger of one category, with {AccessToken}", AccessToken);

        Assert.Same(first, second);
        Assert.NotSame(first, factory.CreateLogger("AgilePlanner.Console"));
        var line = Assert.Single(_app.Logs.Lines, l => l.Contains("Second logger of one category"));
        Assert.DoesNotContain(AccessToken, line);
        var logged = Assert.Single(_events.Events, e => e.MessageTemplate.Text.StartsWith("Second logger", StringComparison.Ordinal));
        Assert.Equal("\"AgilePlanner.Flow\"", logged.Properties["SourceContext"].ToString());
    }

    [Theory]
    [InlineData("GET /callback?code=abc123&state=xyz", "GET /callback?code=***&state=***")]
    [InlineData("Authorization: Bearer abc.def-ghi", "Authorization: Bearer ***")]
    [InlineData("Authorization: Basic YWdpbGU6c2VjcmV0", "Authorization: Basic ***")]
    [InlineData("{\"access_token\":\"abc\",\"token_type\":\"Bearer\"}", "{\"access_token\":\"***\",\"token_type\":\"Bearer\"}")]
    [InlineData("id eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiIxIn0.c2lnbmF0dXJl done", "id *** done")]
    [InlineData("HTTP GET /projects/42 responded 200", "HTTP GET /projects/42 responded 200")]
    [InlineData("Now listening on: http://127.0.0.1:5080 at 12:30:01", "Now listening on: http://127.0.0.1:5080 at 12:30:01")]
    [InlineData("password: hunter2-value", "password: ***")]
    [InlineData("answer {\"refresh_token\": \"tGzv3JOkF0XG5Qx2TlKWIA\"}", "answer {\"refresh_token\": \"***\"}")]
    [InlineData("Client_Secret: s3cr3t-value", "Client_Secret: ***")]
    public void Redacted_text_keeps_the_story_and_drops_the_secrets(string text, string expected)
    {
        Assert.Equal(expected, LogRedaction.RedactText(text));
    }

    [Fact]
    public async Task Two_hosts_started_at_once_both_log_without_a_frozen_logger()
    {
        await using var other = new AgilePlannerAppFactory();
        var first = Task.Run(() => _app.CreateClient().GetAsync("/", TestContext.Current.CancellationToken));
        var second = Task.Run(() => other.CreateClient().GetAsync("/", TestContext.Current.CancellationToken));

        var responses = await Task.WhenAll(first, second);

        Assert.All(responses, response => Assert.Equal(HttpStatusCode.OK, response.StatusCode));
        Assert.Contains(_app.Logs.Lines, line => line.Contains("HTTP GET / responded 200"));
        Assert.Contains(other.Logs.Lines, line => line.Contains("HTTP GET / responded 200"));
        Assert.DoesNotContain("frozen", _app.Logs.AllText + other.Logs.AllText, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task A_tampered_antiforgery_cookie_is_logged_as_an_expected_refusal_without_a_stack()
    {
        using var client = _app.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/sandbox/signin");
        request.Headers.Add("Cookie", "AgilePlanner.Antiforgery=CfDJ8tampered-value-AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA");

        using var response = await client.SendAsync(request, TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.DoesNotContain(_events.Events, IsWarningOfTheRequest);
        var refusal = Assert.Single(_events.Events, e => e.MessageTemplate.Text.StartsWith("Antiforgery cookie refused", StringComparison.Ordinal));
        Assert.Equal(LogEventLevel.Information, refusal.Level);
        Assert.Null(refusal.Exception);
    }

    [Fact]
    public async Task A_callback_without_its_correlation_cookie_is_logged_as_an_expected_refusal()
    {
        using var starter = _app.CreateClient(new Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        using var connect = await starter.GetAsync("/connect", TestContext.Current.CancellationToken);
        var state = Microsoft.AspNetCore.WebUtilities.QueryHelpers.ParseQuery(connect.Headers.Location!.Query)["state"].ToString();
        using var otherBrowser = _app.CreateClient(new Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactoryClientOptions { AllowAutoRedirect = false });

        using var callback = await otherBrowser.GetAsync($"/callback?code=a-code&state={Uri.EscapeDataString(state)}&iss=http%3A%2F%2Flocalhost%2Fsandbox%2F", TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.Redirect, callback.StatusCode);
        Assert.DoesNotContain(_events.Events, IsWarningOfTheRequest);
        var refusal = Assert.Single(_events.Events, e => e.MessageTemplate.Text.StartsWith("Authorization callback without this browser's correlation cookie", StringComparison.Ordinal));
        Assert.Equal(LogEventLevel.Information, refusal.Level);
        Assert.Null(refusal.Exception);
    }

    /// <summary>A warning or worse, or any stack, other than the data protection notice every test host logs at start.</summary>
    private static bool IsWarningOfTheRequest(LogEvent e) =>
        (e.Level >= LogEventLevel.Warning || e.Exception is not null)
        && !(e.Properties.TryGetValue("SourceContext", out var source) && source.ToString().Contains("DataProtection", StringComparison.Ordinal));

    private HttpClient CreateBackChannelClient()
    {
        const string name = "Operations.BackChannel";
        var services = new ServiceCollection();
        services.AddSingleton(_app.Services.GetRequiredService<ILoggerFactory>());
        services.AddHttpClient(name).ConfigurePrimaryHttpMessageHandler(() => _app.Server.CreateHandler());
        return services.BuildServiceProvider().GetRequiredService<IHttpClientFactory>().CreateClient(name);
    }

    private static void AssertNoSecretIn(string text)
    {
        Assert.DoesNotContain(Code, text);
        Assert.DoesNotContain(State, text);
        Assert.DoesNotContain(AccessToken, text);
    }

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public ValueTask DisposeAsync() => _app.DisposeAsync();
}
