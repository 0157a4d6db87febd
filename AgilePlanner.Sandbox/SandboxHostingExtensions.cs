using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;

namespace AgilePlanner.Sandbox;

/// <summary>
/// Hosts the built-in Agile Planner (accounts, OAuth 2 server, API v1) inside the web app under /sandbox.
/// </summary>
public static class SandboxHostingExtensions
{
    /// <summary>Registers the sandbox's services when <c>Sandbox:Enabled</c> is true (the default).</summary>
    public static WebApplicationBuilder AddAgilePlannerSandbox(this WebApplicationBuilder builder, string dataDirectory)
    {
        if (!IsEnabled(builder.Configuration))
        {
            return builder;
        }

        _ = dataDirectory;
        return builder;
    }

    /// <summary>Maps the sandbox's pages and endpoints under /sandbox when it is enabled.</summary>
    public static WebApplication MapAgilePlannerSandbox(this WebApplication app)
    {
        return app;
    }

    public static bool IsEnabled(IConfiguration configuration) =>
        configuration.GetValue("Sandbox:Enabled", defaultValue: true);
}
