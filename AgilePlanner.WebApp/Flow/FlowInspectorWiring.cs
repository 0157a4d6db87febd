using AgilePlanner.Api;
using AgilePlanner.AspNetCore;
using AgilePlanner.WebApp.ApiConsole;
using AgilePlanner.WebApp.Flow;

namespace AgilePlanner.WebApp;

public static class FlowInspectorWiring
{
    /// <summary>
    /// The flow inspector (<c>/flow</c>) on the Agile Planner scheme and its back channel, and the API console
    /// (<c>/console</c>). Call after <c>AddAgilePlannerSignIn</c> and <c>AddAgilePlannerApiClient</c>, so the recording handler sits innermost.
    /// </summary>
    public static WebApplicationBuilder AddFlowInspector(this WebApplicationBuilder builder)
    {
        builder.Services.Configure<FlowInspectorOptions>(builder.Configuration.GetSection("FlowInspector"));
        builder.Services.AddFlowInspector<AgilePlannerAuthenticationOptions>(
            AgilePlannerAuthenticationDefaults.AuthenticationScheme,
            AgilePlannerAuthenticationDefaults.BackchannelHttpClientName,
            AgilePlannerApiClient.HttpClientName);
        builder.Services.AddSingleton<ApiConsoleClient>();
        return builder;
    }

    /// <summary>Records each callback as it arrives (its query, secrets masked), before the OAuth handler answers it.</summary>
    public static WebApplication UseFlowInspector(this WebApplication app)
    {
        app.UseMiddleware<FlowCallbackRecorder>();
        return app;
    }
}
