using System.Diagnostics;
using System.Net;
using AgilePlanner.WebApp.Tests.Infrastructure;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace AgilePlanner.WebApp.Tests.Telemetry;

/// <summary>One sign-in as its spans show it: the redirect, the callback, the code exchange and the sandbox's token endpoint, one trace.</summary>
[Collection(TelemetryCollection.Name)]
public sealed class SignInTraceTests
{
    [Fact]
    public async Task A_sign_in_is_one_trace_from_the_callback_through_the_back_channel_to_the_sandbox_token_endpoint()
    {
        await using var telemetry = new TelemetryApp();
        await telemetry.StartAsync();

        using var account = await telemetry.SignInAsync();
        Assert.Equal("/account", account.RequestMessage!.RequestUri!.AbsolutePath);

        var spans = await SpansAsync(telemetry, all => all.Any(s => s.Kind == ActivityKind.Server && Path(s) == "/callback"));
        var authorize = spans.Single(s => s.OperationName == "agileplanner.authorize");
        var connect = spans.Single(s => s.SpanId == authorize.ParentSpanId);
        Assert.Equal(ActivityKind.Server, connect.Kind);
        Assert.Equal("/connect", Path(connect));

        var callback = spans.Single(s => s.OperationName == "agileplanner.callback");
        var callbackRequest = spans.Single(s => s.SpanId == callback.ParentSpanId);
        Assert.Equal(ActivityKind.Server, callbackRequest.Kind);
        Assert.Equal("/callback", Path(callbackRequest));
        Assert.Equal("signed_in", callback.GetTagItem("agileplanner.outcome"));

        var exchange = spans.Single(s => s.OperationName == "agileplanner.token.exchange");
        Assert.Equal(callback.SpanId, exchange.ParentSpanId);
        var backChannel = spans.Single(s => s.Kind == ActivityKind.Client && s.ParentSpanId == exchange.SpanId);
        Assert.EndsWith("/sandbox/oauth/token", (string)backChannel.GetTagItem("url.full")!);
        var tokenEndpoint = spans.Single(s => s.Kind == ActivityKind.Server && Path(s) == "/sandbox/oauth/token");
        Assert.Equal(backChannel.SpanId, tokenEndpoint.ParentSpanId);
        Assert.Equal(callback.TraceId, tokenEndpoint.TraceId);
        Assert.Equal(200, tokenEndpoint.GetTagItem("http.response.status_code"));
        TestContext.Current.TestOutputHelper?.WriteLine(Tree(spans.Where(s => s.TraceId == callback.TraceId).ToArray(), callbackRequest, 0));

        // The callback's query is recorded by name only: no code, state or iss value in any span.
        var query = QueryHelpers.ParseQuery(telemetry.Visited.Single(uri => uri.AbsolutePath == "/callback").Query);
        Assert.Contains("code=", (string)callbackRequest.GetTagItem("url.query")!);
        var secrets = new List<string> { query["code"].ToString(), query["state"].ToString(), SandboxUser.DemoPassword };
        secrets.AddRange(telemetry.App.Wire.Values("code_verifier", "client_secret", "refresh_token", "access_token"));
        secrets.AddRange(telemetry.CookieValues);
        var recorded = string.Join('\n', spans.SelectMany(s => s.TagObjects.Select(t => $"{s.DisplayName} {t.Key}={t.Value}")
            .Concat(s.Events.Select(e => e.Name)).Concat(s.Baggage.Select(b => b.Value))));
        foreach (var secret in secrets.Where(s => s.Length > 0))
        {
            Assert.DoesNotContain(secret, recorded);
        }
    }

    [Fact]
    public async Task Without_an_otlp_endpoint_nothing_is_registered()
    {
        await using var telemetry = new TelemetryApp(export: false);
        await telemetry.StartAsync();

        using var home = await telemetry.Browser.GetAsync("/", TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, home.StatusCode);
        Assert.Null(telemetry.App.Services.GetService<TracerProvider>());
        Assert.Null(telemetry.App.Services.GetService<MeterProvider>());
        Assert.Empty(telemetry.Spans);
    }

    /// <summary>The trace as an indented tree with each span's duration, for the test's output.</summary>
    private static string Tree(Activity[] spans, Activity root, int depth) =>
        $"{new string(' ', depth * 2)}{root.DisplayName} ({root.Kind}, {root.Duration.TotalMilliseconds:0.0} ms)\n"
        + string.Concat(spans.Where(s => s.ParentSpanId == root.SpanId).OrderBy(s => s.StartTimeUtc).Select(s => Tree(spans, s, depth + 1)));

    private static string? Path(Activity span) => span.GetTagItem("url.path") as string;

    /// <summary>The spans exported so far, once <paramref name="done"/> holds (server spans end just after their answer is sent).</summary>
    internal static async Task<Activity[]> SpansAsync(TelemetryApp telemetry, Func<Activity[], bool> done)
    {
        for (var attempt = 0; ; attempt++)
        {
            Activity[] spans;
            lock (telemetry.Spans)
            {
                spans = [.. telemetry.Spans];
            }
            if (done(spans) || attempt == 50)
            {
                return spans;
            }
            await Task.Delay(100, TestContext.Current.CancellationToken);
        }
    }
}
