using Microsoft.AspNetCore.Authentication.OAuth;
using Microsoft.Extensions.Options;

namespace AgilePlanner.WebApp.Flow;

/// <summary>Puts <see cref="FlowRecordingOAuthEvents"/> in front of one scheme's events, after the app configured them.</summary>
public sealed class FlowRecordingOAuthEventsSetup<TOptions>(string scheme, FlowEventTargets targets) : IPostConfigureOptions<TOptions>
    where TOptions : OAuthOptions
{
    public void PostConfigure(string? name, TOptions options)
    {
        if (name != scheme || options.EventsType == typeof(FlowRecordingOAuthEvents))
        {
            return;
        }
        targets.Set(scheme, options.EventsType, options.Events);
        options.EventsType = typeof(FlowRecordingOAuthEvents);
    }
}
