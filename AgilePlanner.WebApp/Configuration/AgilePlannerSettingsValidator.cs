using AgilePlanner.AspNetCore;
using AgilePlanner.Sandbox;
using Microsoft.Extensions.Options;

namespace AgilePlanner.WebApp.Configuration;

/// <summary>
/// Checks the <c>AgilePlanner</c> section at start, so a missing secret or a malformed URL stops the app
/// with a message naming the key to set, instead of failing on the first click.
/// </summary>
public sealed class AgilePlannerSettingsValidator(IConfiguration configuration) : IValidateOptions<AgilePlannerSettings>
{
    private const string Where = "Set it in appsettings.json, with user-secrets, or as an environment variable";

    public ValidateOptionsResult Validate(string? name, AgilePlannerSettings settings)
    {
        var sandbox = SandboxHostingExtensions.IsEnabled(configuration);
        var failures = new List<string>();

        Registration(settings.ClientId, "ClientId", "the client id", failures);
        // With a key, no secret is sent: the key file is what must be there, readable and private.
        if (settings.ClientAuthenticationMode == AgilePlannerClientAuthentication.PrivateKeyJwt)
        {
            ClientKey(settings.ClientKeyFile, failures);
        }
        else
        {
            Registration(settings.ClientSecret, "ClientSecret", "the client secret", failures);
        }
        if (settings.ClientAuthenticationMode is null)
        {
            failures.Add($"AgilePlanner:ClientAuthentication must be client_secret_post, client_secret_basic or private_key_jwt (it is '{settings.ClientAuthentication}').");
        }

        // The issuer alone is enough: the endpoints come from its metadata.
        var discovered = !string.IsNullOrWhiteSpace(settings.Issuer);
        Endpoint(settings.AuthorizationEndpoint, "AuthorizationEndpoint", required: !sandbox && !discovered, failures);
        Endpoint(settings.TokenEndpoint, "TokenEndpoint", required: !sandbox && !discovered, failures);
        Endpoint(settings.ApiBaseUrl, "ApiBaseUrl", required: !sandbox, failures);
        Endpoint(settings.RevocationEndpoint, "RevocationEndpoint", required: false, failures);
        Endpoint(settings.Issuer, "Issuer", required: false, failures);

        if (string.IsNullOrWhiteSpace(settings.CallbackPath) || !settings.CallbackPath.StartsWith('/') || settings.CallbackPath.StartsWith("//", StringComparison.Ordinal))
        {
            failures.Add($"AgilePlanner:CallbackPath must be a path on this app starting with '/', such as '/callback' (it is '{settings.CallbackPath}').");
        }

        if (settings.ScopeList.Count == 0 || settings.ScopeList.Any(s => !AgilePlanner.Api.AgilePlannerScopes.IsValid(s)))
        {
            failures.Add("AgilePlanner:Scopes must be one or more space-separated scope names, such as 'read' or 'read write'.");
        }

        if (settings.PushedAuthorizationMode is null)
        {
            failures.Add($"AgilePlanner:PushedAuthorization must be IfAvailable, Require or Disable (it is '{settings.PushedAuthorization}').");
        }

        if (settings.ApiCacheDuration < TimeSpan.Zero || settings.ApiCacheDuration > TimeSpan.FromMinutes(10))
        {
            failures.Add($"AgilePlanner:ApiCacheDuration must be between 00:00:00 and 00:10:00, such as '00:00:30' (it is '{settings.ApiCacheDuration}').");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    /// <summary>The registration is per developer and secret: user-secrets or the environment, never a file in the repository.</summary>
    private void Registration(string? value, string key, string what, List<string> failures)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            var sandboxOff = SandboxHostingExtensions.IsEnabled(configuration) ? "" : " (Sandbox:Enabled is false)";
            failures.Add($"AgilePlanner:{key} is missing{sandboxOff}: set {what} your provider gave you with "
                + $"`dotnet user-secrets --project AgilePlanner.WebApp set AgilePlanner:{key} \"...\"` or the environment variable AgilePlanner__{key}.");
        }
    }

    /// <summary>The key is read here once to check it; what is wrong is said without any of its content.</summary>
    private static void ClientKey(string? path, List<string> failures)
    {
        if (string.IsNullOrWhiteSpace(path))
        {
            failures.Add("AgilePlanner:ClientKeyFile is missing: AgilePlanner:ClientAuthentication is private_key_jwt, so set the path of the app's private key "
                + "(a PEM or JWK file, such as one made by `openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out client-key.pem`) "
                + "with user-secrets or the environment variable AgilePlanner__ClientKeyFile.");
            return;
        }
        if (!AgilePlannerClientKey.TryLoad(path, out var key, out var problem))
        {
            failures.Add($"AgilePlanner:ClientKeyFile cannot be used: {problem}.");
        }
        key?.Dispose();
    }

    private static void Endpoint(string? value, string key, bool required, List<string> failures)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            if (required)
            {
                failures.Add($"AgilePlanner:{key} is missing: it is required when Sandbox:Enabled is false and AgilePlanner:Issuer is not set. {Where} (AgilePlanner__{key}).");
            }
            return;
        }

        if (!Uri.TryCreate(value, UriKind.Absolute, out var uri)
            || (uri.Scheme != Uri.UriSchemeHttps && uri.Scheme != Uri.UriSchemeHttp)
            || !string.IsNullOrEmpty(uri.Fragment)
            || !string.IsNullOrEmpty(uri.UserInfo))
        {
            failures.Add($"AgilePlanner:{key} must be an absolute http or https URL without a fragment, such as 'https://agileplanner.example/oauth/token' (it is '{value}').");
        }
    }
}
