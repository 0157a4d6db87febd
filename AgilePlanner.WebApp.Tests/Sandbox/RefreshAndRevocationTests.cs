using System.Net;
using AgilePlanner.WebApp.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace AgilePlanner.WebApp.Tests.Sandbox;

/// <summary>Refresh token rotation and reuse detection, access token expiry, and RFC 7009 revocation.</summary>
public sealed class RefreshAndRevocationTests : IAsyncLifetime
{
    private readonly AgilePlannerAppFactory _app = new();

    [Fact]
    public async Task Refresh_rotates_the_refresh_token_and_gives_a_working_access_token()
    {
        using var ada = await SandboxUser.SignInAsync(_app);
        var first = await ada.GetTokensAsync();
        using var http = _app.CreateClient();

        using var response = await SandboxTokens.RefreshAsync(http, first.RefreshToken!);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("no-store", response.Headers.CacheControl!.ToString());
        var second = await SandboxTokens.ReadAsync(response);
        Assert.NotNull(second.AccessToken);
        Assert.NotEqual(first.AccessToken, second.AccessToken);
        Assert.NotNull(second.RefreshToken);
        Assert.NotEqual(first.RefreshToken, second.RefreshToken);
        Assert.Equal("read", second.Scope);
        using var me = await SandboxTokens.GetApiAsync(http, "/me", second.AccessToken);
        Assert.Equal(HttpStatusCode.OK, me.StatusCode);
    }

    [Fact]
    public async Task Reusing_a_spent_refresh_token_is_refused_and_revokes_the_whole_family()
    {
        using var ada = await SandboxUser.SignInAsync(_app);
        var first = await ada.GetTokensAsync();
        using var http = _app.CreateClient();
        using var rotated = await SandboxTokens.RefreshAsync(http, first.RefreshToken!);
        var second = await SandboxTokens.ReadAsync(rotated);

        using var reuse = await SandboxTokens.RefreshAsync(http, first.RefreshToken!);

        Assert.Equal(HttpStatusCode.BadRequest, reuse.StatusCode);
        Assert.Equal("invalid_grant", (await SandboxTokens.ReadAsync(reuse)).Error);
        using var newest = await SandboxTokens.RefreshAsync(http, second.RefreshToken!);
        Assert.Equal("invalid_grant", (await SandboxTokens.ReadAsync(newest)).Error);
        using var me = await SandboxTokens.GetApiAsync(http, "/me", second.AccessToken);
        Assert.Equal(HttpStatusCode.Unauthorized, me.StatusCode);
    }

    [Fact]
    public async Task Refresh_token_of_another_client_is_refused()
    {
        var other = SandboxClient.RegisterOther(_app);
        using var ada = await SandboxUser.SignInAsync(_app);
        var tokens = await ada.GetTokensAsync();
        using var http = _app.CreateClient();

        using var response = await SandboxTokens.RefreshAsync(http, tokens.RefreshToken!, other);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("invalid_grant", (await SandboxTokens.ReadAsync(response)).Error);
    }

    [Fact]
    public async Task Revoked_access_token_makes_the_api_answer_401()
    {
        using var ada = await SandboxUser.SignInAsync(_app);
        var tokens = await ada.GetTokensAsync();
        using var http = _app.CreateClient();
        using var before = await SandboxTokens.GetApiAsync(http, "/me", tokens.AccessToken);
        Assert.Equal(HttpStatusCode.OK, before.StatusCode);

        using var revoked = await SandboxTokens.RevokeAsync(http, tokens.AccessToken!, "access_token");

        Assert.Equal(HttpStatusCode.OK, revoked.StatusCode);
        using var after = await SandboxTokens.GetApiAsync(http, "/me", tokens.AccessToken);
        Assert.Equal(HttpStatusCode.Unauthorized, after.StatusCode);
        Assert.Contains("error=\"invalid_token\"", after.Headers.WwwAuthenticate.ToString());
    }

    [Fact]
    public async Task Revoked_refresh_token_can_no_longer_be_used()
    {
        using var ada = await SandboxUser.SignInAsync(_app);
        var tokens = await ada.GetTokensAsync();
        using var http = _app.CreateClient();

        using var revoked = await SandboxTokens.RevokeAsync(http, tokens.RefreshToken!);

        Assert.Equal(HttpStatusCode.OK, revoked.StatusCode);
        using var refresh = await SandboxTokens.RefreshAsync(http, tokens.RefreshToken!);
        Assert.Equal("invalid_grant", (await SandboxTokens.ReadAsync(refresh)).Error);
    }

    [Fact]
    public async Task Revoking_an_unknown_token_still_answers_200()
    {
        using var http = _app.CreateClient();

        using var response = await SandboxTokens.RevokeAsync(http, "not-a-token-we-issued");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task Revocation_needs_the_client_to_authenticate()
    {
        using var ada = await SandboxUser.SignInAsync(_app);
        var tokens = await ada.GetTokensAsync();
        using var http = _app.CreateClient();

        using var response = await SandboxTokens.RevokeAsync(http, tokens.AccessToken!, client: SandboxClient.WebApp with { ClientSecret = "wrong" });

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        using var me = await SandboxTokens.GetApiAsync(http, "/me", tokens.AccessToken);
        Assert.Equal(HttpStatusCode.OK, me.StatusCode);
    }

    [Fact]
    public async Task Access_token_expires_after_the_configured_lifetime()
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 3, 2, 9, 0, 0, TimeSpan.Zero));
        _app.With("Sandbox:AccessTokenLifetime", "00:10:00");
        _app.ConfigureTestServices = services => services.AddSingleton<TimeProvider>(clock);
        using var ada = await SandboxUser.SignInAsync(_app);
        var tokens = await ada.GetTokensAsync();
        using var http = _app.CreateClient();
        Assert.Equal(600, tokens.ExpiresIn);

        clock.Advance(TimeSpan.FromMinutes(9));
        using var before = await SandboxTokens.GetApiAsync(http, "/me", tokens.AccessToken);
        clock.Advance(TimeSpan.FromMinutes(2));
        using var after = await SandboxTokens.GetApiAsync(http, "/me", tokens.AccessToken);

        Assert.Equal(HttpStatusCode.OK, before.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, after.StatusCode);
        Assert.Contains("error=\"invalid_token\"", after.Headers.WwwAuthenticate.ToString());
        using var refreshed = await SandboxTokens.RefreshAsync(http, tokens.RefreshToken!);
        Assert.Equal(HttpStatusCode.OK, refreshed.StatusCode);
    }

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public ValueTask DisposeAsync() => _app.DisposeAsync();
}
