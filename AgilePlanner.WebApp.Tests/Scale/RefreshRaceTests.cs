using System.Globalization;
using System.Net;
using AgilePlanner.WebApp.Tests.Browser;
using AgilePlanner.WebApp.Tests.Infrastructure.RealServers;

namespace AgilePlanner.WebApp.Tests.Scale;

/// <summary>
/// Two instances behind HAProxy on Redis, access tokens of 15 s: rounds of four requests with the same cookie, each to another
/// instance at once, as tabs of one browser would. Rotating refresh tokens make a second refresh with the same token a reuse,
/// which the provider answers by revoking the family: only one refresh across both instances keeps the user signed in.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class RefreshRaceTests(ChromiumFixture chromium)
{
    // Four rounds a token's lifetime apart (60 s): every round comes with a cookie whose access token is due for a refresh.
    private const int Rounds = 4;
    private static readonly TimeSpan Lifetime = TimeSpan.FromSeconds(15);
    private static readonly TimeSpan BetweenRounds = Lifetime;

    [Fact]
    public async Task Four_requests_at_once_with_one_stale_cookie_on_two_instances_refresh_once_and_no_one_is_signed_out()
    {
        await using var topology = await ScaleTopology.StartAsync(2, extraSettings: new Dictionary<string, string>
        {
            ["Sandbox__AccessTokenLifetime"] = Lifetime.ToString("c", CultureInfo.InvariantCulture),
        });
        Uri app;
        var jar = new CookieContainer();
        await using (var browser = await BalancedBrowser.OpenAsync(chromium, topology.Balancer))
        {
            await browser.ConnectAsync();
            app = topology.Balancer.AppUrl;
            foreach (var cookie in await browser.Context.CookiesAsync())
            {
                jar.Add(new Cookie(cookie.Name, cookie.Value, cookie.Path, cookie.Domain.TrimStart('.')));
            }
        }
        var refreshTokensBefore = await RefreshTokensAsync(topology);

        using var handler = new HttpClientHandler { AllowAutoRedirect = false, UseCookies = false };
        using var client = new HttpClient(handler) { BaseAddress = app };
        var answers = new List<(int Round, string Instance, HttpStatusCode Status, string? Location, bool Account)>();
        for (var round = 0; round < Rounds; round++)
        {
            await Task.Delay(BetweenRounds, TestContext.Current.CancellationToken);
            var cookie = jar.GetCookieHeader(app);
            var sent = Enumerable.Range(0, 4).Select(async i =>
            {
                var instance = HaproxyBalancer.InstanceName(i % 2);
                using var request = new HttpRequestMessage(HttpMethod.Get, "account");
                request.Headers.Add("Cookie", cookie);
                request.Headers.Add(HaproxyBalancer.PinHeader, instance);
                using var response = await client.SendAsync(request, TestContext.Current.CancellationToken);
                var body = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
                return (Response: (round, instance, response.StatusCode, response.Headers.Location?.ToString(), body.Contains(AgilePlannerFlow.DemoName, StringComparison.Ordinal)),
                    SetCookies: response.Headers.TryGetValues("Set-Cookie", out var values) ? values.ToList() : []);
            }).ToList();

            // As a browser: each answer's cookies applied as it arrives, the last one standing for the next round.
            while (sent.Count > 0)
            {
                var done = await Task.WhenAny(sent);
                sent.Remove(done);
                var (response, setCookies) = await done;
                answers.Add(response);
                foreach (var setCookie in setCookies)
                {
                    jar.SetCookies(app, setCookie);
                }
            }
        }

        var report = string.Join('\n', answers.Select(a => $"round {a.Round.ToString(CultureInfo.InvariantCulture)} {a.Instance}: {(int)a.Status} {a.Location}"));
        TestContext.Current.TestOutputHelper?.WriteLine(report + "\n" + topology.Tails());
        // Every page is the account, on both instances: no redirect to Connect again, no 401 made into a page.
        Assert.All(answers, answer => Assert.True(answer.Status == HttpStatusCode.OK && answer.Account, report));
        Assert.Equal(["app1", "app2"], answers.Select(answer => answer.Instance).Distinct().Order());
        // Exactly one token request a round at the provider: one new refresh token each.
        Assert.Equal(refreshTokensBefore + Rounds, await RefreshTokensAsync(topology));
    }

    private static Task<long> RefreshTokensAsync(ScaleTopology topology) =>
        topology.Postgres.ScalarAsync(topology.Database, "SELECT count(*) FROM \"OpenIddictTokens\" WHERE \"Type\" LIKE '%refresh_token'");
}
