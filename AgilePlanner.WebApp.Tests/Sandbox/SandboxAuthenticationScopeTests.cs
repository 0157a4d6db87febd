using AgilePlanner.WebApp.Tests.Infrastructure;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using OpenIddict.Server.AspNetCore;
using OpenIddict.Validation.AspNetCore;

namespace AgilePlanner.WebApp.Tests.Sandbox;

/// <summary>OpenIddict's handlers see the sandbox's requests only; the web app's own pages never start them.</summary>
public sealed class SandboxAuthenticationScopeTests : IAsyncDisposable
{
    private readonly AgilePlannerAppFactory _app = new();

    [Theory]
    [InlineData("/", false)]
    [InlineData("/account", false)]
    [InlineData("/callback", false)]
    [InlineData("/sandboxes", false)]
    [InlineData("/sandbox/oauth/token", true)]
    [InlineData("/sandbox/api/v1/me", true)]
    [InlineData("/SANDBOX/oauth/authorize", true)]
    public async Task OpenIddict_handles_requests_under_sandbox_only(string path, bool handled)
    {
        await using var scope = _app.Services.CreateAsyncScope();
        var context = new DefaultHttpContext { RequestServices = scope.ServiceProvider, Request = { Path = path } };
        var handlers = scope.ServiceProvider.GetRequiredService<IAuthenticationHandlerProvider>();

        var server = await handlers.GetHandlerAsync(context, OpenIddictServerAspNetCoreDefaults.AuthenticationScheme);
        var validation = await handlers.GetHandlerAsync(context, OpenIddictValidationAspNetCoreDefaults.AuthenticationScheme);
        var session = await handlers.GetHandlerAsync(context, "AgilePlannerSession");

        Assert.Equal(handled, server is not null);
        Assert.Equal(handled, validation is not null);
        Assert.NotNull(session);
    }

    public ValueTask DisposeAsync() => _app.DisposeAsync();
}
