using AgilePlanner.WebApp.Tests.Infrastructure;
using Microsoft.AspNetCore.WebUtilities;

namespace AgilePlanner.WebApp.Tests.Telemetry;

/// <summary>The app's OTLP/HTTP export, as a collector on loopback receives it.</summary>
[Collection(TelemetryCollection.Name)]
public sealed class OtlpExportTests
{
    [Fact]
    public async Task A_collector_receives_the_flow_s_spans_and_metrics_and_none_of_its_secrets()
    {
        await using var telemetry = new TelemetryApp();
        await telemetry.StartAsync();

        using var account = await telemetry.SignInAsync();
        Assert.Equal("/account", account.RequestMessage!.RequestUri!.AbsolutePath);
        var cookies = telemetry.CookieValues.ToList();
        using var expired = await telemetry.PostAsync("/flow", "/flow/expire-access-token");
        using var refreshed = await telemetry.Browser.GetAsync("/account", TestContext.Current.CancellationToken);
        using var signedOut = await telemetry.PostAsync("/account", "/disconnect");
        await SignInTraceTests.SpansAsync(telemetry, all => all.Any(s => s.OperationName == "agileplanner.token.revoke"));
        telemetry.Flush();

        var traces = telemetry.Otlp.Text("/v1/traces");
        var metrics = telemetry.Otlp.Text("/v1/metrics");
        foreach (var span in new[] { "agileplanner.authorize", "agileplanner.callback", "agileplanner.token.exchange", "agileplanner.token.refresh", "agileplanner.token.revoke", "/sandbox/oauth/token" })
        {
            Assert.Contains(span, traces);
        }
        foreach (var metric in new[] { "agileplanner.signins", "agileplanner.refreshes", "agileplanner.token.duration", "agileplanner.api.calls", "http.server.request.duration" })
        {
            Assert.Contains(metric, metrics);
        }

        var query = QueryHelpers.ParseQuery(telemetry.Visited.Single(uri => uri.AbsolutePath == "/callback").Query);
        var secrets = new List<string> { query["code"].ToString(), query["state"].ToString(), SandboxUser.DemoPassword, "sandbox-secret-not-for-production" };
        secrets.AddRange(telemetry.App.Wire.Values("code", "code_verifier", "client_secret", "refresh_token", "token", "access_token"));
        secrets.AddRange(cookies);
        Assert.Contains(telemetry.App.Wire.Values("code_verifier", "refresh_token", "access_token"), value => value.Length > 0);
        var exported = string.Concat(telemetry.Otlp.Exports.Select(e => System.Text.Encoding.UTF8.GetString(e.Body)));
        foreach (var secret in secrets.Where(s => s.Length > 0).Distinct(StringComparer.Ordinal))
        {
            Assert.DoesNotContain(secret, exported);
        }
    }
}
