using AgilePlanner.Sandbox;
using Microsoft.Extensions.Options;

namespace AgilePlanner.WebApp.Configuration;

/// <summary>
/// While the built-in sandbox runs, a client id or secret left unset is the sandbox's own registration of this app
/// (<c>Sandbox:Clients</c>). The sandbox's secret lives only there, so it is never sent to a real provider.
/// </summary>
public sealed class SandboxRegistrationDefaults(IConfiguration configuration) : IPostConfigureOptions<AgilePlannerSettings>
{
    public void PostConfigure(string? name, AgilePlannerSettings settings)
    {
        if (!SandboxHostingExtensions.IsEnabled(configuration))
        {
            return;
        }

        var clients = SandboxOptions.From(configuration).Clients;
        if (string.IsNullOrWhiteSpace(settings.ClientId))
        {
            settings.ClientId = clients.FirstOrDefault()?.ClientId;
        }

        // The secret only of the registration whose id the app uses: another app's secret is no default.
        if (string.IsNullOrWhiteSpace(settings.ClientSecret))
        {
            settings.ClientSecret = clients.FirstOrDefault(c => c.ClientId == settings.ClientId)?.ClientSecret;
        }
    }
}
