using AgilePlanner.Api;
using AgilePlanner.AspNetCore;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;

var builder = WebApplication.CreateBuilder(args);

// Sign in with Agile Planner into a cookie; the tokens are kept in it (SaveTokens), encrypted.
builder.Services.AddAuthentication(CookieAuthenticationDefaults.AuthenticationScheme)
    .AddCookie(options => options.LoginPath = "/signin")
    .AddAgilePlanner(options => builder.Configuration.Bind("AgilePlanner", options));
builder.Services.AddAuthorization();

// The API client: the signed-in user's token on every call, refreshed before it expires.
builder.Services.AddAgilePlannerApi(_ => { });

var app = builder.Build();
app.UseAuthentication();
app.UseAuthorization();

app.MapGet("/", () => Results.Content("<a href=\"/me\">Connect Agile Planner</a>", "text/html"));

app.MapGet("/signin", (string? returnUrl) => Results.Challenge(
    new AuthenticationProperties { RedirectUri = returnUrl is ['/', not '/' and not '\\', ..] ? returnUrl : "/me" },
    [AgilePlannerAuthenticationDefaults.AuthenticationScheme]));

app.MapGet("/me", (AgilePlannerApiClient api, CancellationToken cancellationToken) => api.GetMeAsync(cancellationToken))
    .RequireAuthorization();

app.MapGet("/projects", (AgilePlannerApiClient api, CancellationToken cancellationToken) => api.GetProjectsAsync(cancellationToken))
    .RequireAuthorization();

// Revokes the tokens at Agile Planner, then ends the session.
app.MapPost("/signout", async (AgilePlannerSession session) =>
{
    await session.SignOutAsync();
    return Results.Redirect("/");
});

app.Run();

/// <summary>The entry point, public for the test host.</summary>
public partial class Program;
