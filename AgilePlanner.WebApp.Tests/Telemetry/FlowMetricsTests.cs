using AgilePlanner.Api;
using AgilePlanner.AspNetCore;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;

namespace AgilePlanner.WebApp.Tests.Telemetry;

/// <summary>What the packages' meters count for a sign-in, a refresh, a revoked refresh token and a Deny.</summary>
[Collection(TelemetryCollection.Name)]
public sealed class FlowMetricsTests
{
    [Fact]
    public async Task A_sign_in_a_refresh_and_a_revoked_refresh_token_each_move_their_counters_by_one()
    {
        await using var telemetry = new TelemetryApp();
        using var signIns = new MetricCollector<long>(AgilePlannerTelemetry.Meter, "agileplanner.signins");
        using var refreshes = new MetricCollector<long>(AgilePlannerTelemetry.Meter, "agileplanner.refreshes");
        using var tokenDuration = new MetricCollector<double>(AgilePlannerTelemetry.Meter, "agileplanner.token.duration");
        using var apiCalls = new MetricCollector<long>(AgilePlannerApiTelemetry.Meter, "agileplanner.api.calls");
        await telemetry.StartAsync();

        using var account = await telemetry.SignInAsync();
        Assert.Equal("/account", account.RequestMessage!.RequestUri!.AbsolutePath);
        Assert.Equal(["signed_in"], signIns.GetMeasurementSnapshot().Select(m => (string)m.Tags["outcome"]!));
        Assert.Equal(["authorization_code"], tokenDuration.GetMeasurementSnapshot().Select(m => (string)m.Tags["grant_type"]!));
        Assert.All(tokenDuration.GetMeasurementSnapshot(), m => Assert.InRange(m.Value, 0, 30));
        Assert.Contains(apiCalls.GetMeasurementSnapshot(), m => Equals(m.Tags["http.response.status_code"], 200));
        Assert.Empty(refreshes.GetMeasurementSnapshot());

        using var expired = await telemetry.PostAsync("/flow", "/flow/expire-access-token");
        using var refreshed = await telemetry.Browser.GetAsync("/account", TestContext.Current.CancellationToken);
        Assert.Equal(["refreshed"], refreshes.GetMeasurementSnapshot().Select(m => (string)m.Tags["outcome"]!));
        Assert.Equal(["authorization_code", "refresh_token"], tokenDuration.GetMeasurementSnapshot().Select(m => (string)m.Tags["grant_type"]!));

        // The provider revokes the refresh token behind the app's back: the next refresh is refused.
        using var revoke = await telemetry.Browser.PostAsync("/sandbox/oauth/revoke", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["token"] = telemetry.IssuedRefreshToken(),
            ["token_type_hint"] = "refresh_token",
            ["client_id"] = "agile-planner-connect",
            ["client_secret"] = "sandbox-secret-not-for-production",
        }), TestContext.Current.CancellationToken);
        Assert.True(revoke.IsSuccessStatusCode, $"revocation answered {(int)revoke.StatusCode}");
        refreshes.Clear();
        using var expiredAgain = await telemetry.PostAsync("/flow", "/flow/expire-access-token");
        using var refused = await telemetry.Browser.GetAsync("/account", TestContext.Current.CancellationToken);
        Assert.Equal(["refused"], refreshes.GetMeasurementSnapshot().Select(m => (string)m.Tags["outcome"]!));
        Assert.Equal(["signed_in"], signIns.GetMeasurementSnapshot().Select(m => (string)m.Tags["outcome"]!));
    }

    [Fact]
    public async Task A_deny_counts_as_denied_and_as_an_access_denied_callback_failure()
    {
        await using var telemetry = new TelemetryApp();
        using var signIns = new MetricCollector<long>(AgilePlannerTelemetry.Meter, "agileplanner.signins");
        using var failures = new MetricCollector<long>(AgilePlannerTelemetry.Meter, "agileplanner.callback.failures");
        using var tokenDuration = new MetricCollector<double>(AgilePlannerTelemetry.Meter, "agileplanner.token.duration");
        await telemetry.StartAsync();

        using var page = await telemetry.SignInAsync("Deny");

        Assert.Equal(["denied"], signIns.GetMeasurementSnapshot().Select(m => (string)m.Tags["outcome"]!));
        Assert.Equal(["AccessDenied"], failures.GetMeasurementSnapshot().Select(m => (string)m.Tags["kind"]!));
        Assert.Empty(tokenDuration.GetMeasurementSnapshot());
        var spans = await SignInTraceTests.SpansAsync(telemetry, all => all.Any(s => s.OperationName == "agileplanner.callback"));
        var callback = spans.Single(s => s.OperationName == "agileplanner.callback");
        Assert.Equal("denied", callback.GetTagItem("agileplanner.outcome"));
        Assert.Equal(System.Diagnostics.ActivityStatusCode.Error, callback.Status);
    }
}
