using System.Net;
using AgilePlanner.WebApp.Tests.Infrastructure;

namespace AgilePlanner.WebApp.Tests.Sandbox;

/// <summary>Tokens used where they do not belong (issue 13, section 5): another client's revocation, a token in the URL.</summary>
public sealed class TokenMisuseTests : IAsyncLifetime
{
    private readonly AgilePlannerAppFactory _app = new();

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData("access_token")]
    [InlineData(null)]
    public async Task Another_client_cannot_revoke_a_token_and_the_token_keeps_working(string? hint)
    {
        var other = SandboxClient.RegisterOther(_app);
        using var ada = await SandboxUser.SignInAsync(_app);
        var tokens = await ada.GetTokensAsync();
        using var http = _app.CreateClient();

        using var refused = await SandboxTokens.RevokeAsync(http, tokens.AccessToken!, hint, other);

        using var me = await SandboxTokens.GetApiAsync(http, "/me", tokens.AccessToken);
        Assert.Equal(HttpStatusCode.OK, me.StatusCode);
        // OpenIddict's answer for a token issued to another client: refused and nothing revoked (RFC 7009 section 2.1),
        // answered as for an invalid token, 200 with nothing in it (section 2.2), so B learns nothing about A's token.
        Assert.Equal(HttpStatusCode.OK, refused.StatusCode);
        Assert.Equal("{}", await refused.Content.ReadAsStringAsync(Cancel));
        using var refreshRefused = await SandboxTokens.RevokeAsync(http, tokens.RefreshToken!, client: other);
        using var refreshed = await SandboxTokens.RefreshAsync(http, tokens.RefreshToken!);
        Assert.Equal(HttpStatusCode.OK, refreshed.StatusCode);
    }

    [Fact]
    public async Task The_client_a_token_was_issued_to_still_revokes_it()
    {
        using var ada = await SandboxUser.SignInAsync(_app);
        var tokens = await ada.GetTokensAsync();
        using var http = _app.CreateClient();

        using var revoked = await SandboxTokens.RevokeAsync(http, tokens.AccessToken!, "access_token");

        Assert.Equal(HttpStatusCode.OK, revoked.StatusCode);
        using var me = await SandboxTokens.GetApiAsync(http, "/me", tokens.AccessToken);
        Assert.Equal(HttpStatusCode.Unauthorized, me.StatusCode);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task An_access_token_in_the_query_string_is_refused_even_beside_a_valid_header(bool withHeader)
    {
        using var ada = await SandboxUser.SignInAsync(_app);
        var tokens = await ada.GetTokensAsync();
        using var http = _app.CreateClient();

        using var response = await SandboxTokens.GetApiAsync(http, "/me?access_token=" + Uri.EscapeDataString(tokens.AccessToken!), withHeader ? tokens.AccessToken : null);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        var challenge = response.Headers.WwwAuthenticate.ToString();
        Assert.Contains("error=\"invalid_request\"", challenge);
        Assert.Contains("not accepted in the query string", challenge);
        Assert.DoesNotContain(tokens.AccessToken!, await response.Content.ReadAsStringAsync(Cancel), StringComparison.Ordinal);
    }

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public ValueTask DisposeAsync() => _app.DisposeAsync();
}
