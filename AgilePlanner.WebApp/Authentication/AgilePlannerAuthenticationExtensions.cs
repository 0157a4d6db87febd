using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace AgilePlanner.WebApp.Authentication;

public static class AgilePlannerAuthenticationExtensions
{
    /// <summary>Adds the Agile Planner OAuth 2 provider under the <c>AgilePlanner</c> scheme.</summary>
    public static AuthenticationBuilder AddAgilePlanner(this AuthenticationBuilder builder, Action<AgilePlannerAuthenticationOptions> configure) =>
        builder.AddAgilePlanner(AgilePlannerAuthenticationDefaults.AuthenticationScheme, AgilePlannerAuthenticationDefaults.DisplayName, configure);

    public static AuthenticationBuilder AddAgilePlanner(
        this AuthenticationBuilder builder, string scheme, string displayName, Action<AgilePlannerAuthenticationOptions> configure)
    {
        builder.Services.TryAddSingleton<AgilePlannerTokenClient>();
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IPostConfigureOptions<AgilePlannerAuthenticationOptions>, AgilePlannerPostConfigureOptions>());
        return builder.AddOAuth<AgilePlannerAuthenticationOptions, AgilePlannerAuthenticationHandler>(scheme, displayName, configure);
    }
}
