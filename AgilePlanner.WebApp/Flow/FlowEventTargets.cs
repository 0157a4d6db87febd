using System.Collections.Concurrent;
using Microsoft.AspNetCore.Authentication.OAuth;

namespace AgilePlanner.WebApp.Flow;

/// <summary>The events each decorated scheme had before the flow inspector took their place.</summary>
public sealed class FlowEventTargets
{
    private readonly ConcurrentDictionary<string, (Type? Type, OAuthEvents Instance)> _targets = new();

    public void Set(string scheme, Type? eventsType, OAuthEvents events) => _targets[scheme] = (eventsType, events);

    public OAuthEvents Resolve(string scheme, IServiceProvider services) =>
        _targets.TryGetValue(scheme, out var target)
            ? target.Type is null ? target.Instance : (OAuthEvents)services.GetRequiredService(target.Type)
            : new OAuthEvents();
}
