using System.Net;
using Microsoft.AspNetCore.WebUtilities;

namespace AgilePlanner.WebApp.Tests.Infrastructure;

/// <summary>Where the sandbox sent the browser back to: the redirect URI and its query parameters.</summary>
public sealed record CallbackParameters(HttpStatusCode Status, Uri? Location, IReadOnlyDictionary<string, string> Query)
{
    public string? Code => Query.GetValueOrDefault("code");
    public string? State => Query.GetValueOrDefault("state");
    public string? Issuer => Query.GetValueOrDefault("iss");
    public string? Error => Query.GetValueOrDefault("error");
    public string? ErrorDescription => Query.GetValueOrDefault("error_description");

    public static CallbackParameters From(HttpResponseMessage response)
    {
        var location = response.Headers.Location;
        var query = location is null
            ? new Dictionary<string, string>()
            : QueryHelpers.ParseQuery(location.Query).ToDictionary(p => p.Key, p => p.Value.ToString());
        return new CallbackParameters(response.StatusCode, location, query);
    }
}
