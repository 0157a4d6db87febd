using System.Net.Http.Headers;
using Microsoft.Extensions.Options;

namespace AgilePlanner.AspNetCore;

/// <summary>
/// Derives what the options left empty: the user information endpoint from <see cref="AgilePlannerAuthenticationOptions.ApiBaseUrl"/>,
/// and a <see cref="Microsoft.AspNetCore.Authentication.RemoteAuthenticationOptions.Backchannel"/> from the HTTP client factory (named
/// <see cref="AgilePlannerAuthenticationDefaults.BackchannelHttpClientName"/>, so an app can add handlers to it) with the scheme's
/// <c>BackchannelTimeout</c>. A <c>Backchannel</c> or <c>BackchannelHttpHandler</c> the app set is left to the framework, as for any OAuth scheme.
/// </summary>
internal sealed class AgilePlannerPostConfigureOptions(IHttpClientFactory httpClientFactory) : IPostConfigureOptions<AgilePlannerAuthenticationOptions>
{
    public void PostConfigure(string? name, AgilePlannerAuthenticationOptions options)
    {
        if (!string.IsNullOrEmpty(options.ApiBaseUrl) && !options.ApiBaseUrl.EndsWith('/'))
        {
            options.ApiBaseUrl += "/";
        }
        if (string.IsNullOrEmpty(options.UserInformationEndpoint) && !string.IsNullOrEmpty(options.ApiBaseUrl))
        {
            options.UserInformationEndpoint = options.ApiBaseUrl + "me";
        }

        if (options.ClientKey is null && !string.IsNullOrWhiteSpace(options.ClientKeyFile)
            && options.ClientAuthentication == AgilePlannerClientAuthentication.PrivateKeyJwt)
        {
            AgilePlannerClientKey.TryLoad(options.ClientKeyFile, out var key, out var problem);
            options.ClientKey = key;
            options.ClientKeyProblem = problem;
        }

        if (options.Backchannel is null && options.BackchannelHttpHandler is null)
        {
            var backchannel = httpClientFactory.CreateClient(AgilePlannerAuthenticationDefaults.BackchannelHttpClientName);
            backchannel.Timeout = options.BackchannelTimeout;
            backchannel.MaxResponseContentBufferSize = 1024 * 1024;
            backchannel.DefaultRequestHeaders.UserAgent.Add(new ProductInfoHeaderValue("AgilePlanner.AspNetCore", typeof(AgilePlannerPostConfigureOptions).Assembly.GetName().Version?.ToString(3) ?? "1.0.0"));
            options.Backchannel = backchannel;
        }
    }
}
