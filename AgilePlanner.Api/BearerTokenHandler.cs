using System.Net;
using System.Net.Http.Headers;
using Microsoft.Extensions.Logging;

namespace AgilePlanner.Api;

/// <summary>
/// Attaches <c>Authorization: Bearer</c> from the <see cref="IAgilePlannerTokenSource"/> to every API call (RFC 6750 section 2.1);
/// after a 401, asks the source for a new token once and retries once, never more.
/// </summary>
internal sealed class BearerTokenHandler(IAgilePlannerTokenSource tokens, ILogger<BearerTokenHandler> logger) : DelegatingHandler
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var token = await tokens.GetAccessTokenAsync(cancellationToken)
            ?? throw new AgilePlannerApiException(AgilePlannerApiFailure.NotConnected, "There is no access token for Agile Planner.");

        var body = request.Content is null ? null : await request.Content.ReadAsByteArrayAsync(cancellationToken);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        var response = await base.SendAsync(request, cancellationToken);
        if (response.StatusCode != HttpStatusCode.Unauthorized)
        {
            return response;
        }

        var renewed = await tokens.RefreshAccessTokenAsync(token, cancellationToken);
        if (renewed is null || string.Equals(renewed, token, StringComparison.Ordinal))
        {
            return response;
        }

        ApiLog.RetryAfterRefresh(logger, request.Method.Method, request.RequestUri?.AbsolutePath ?? string.Empty);
        response.Dispose();
        var retry = Copy(request, body);
        retry.Headers.Authorization = new AuthenticationHeaderValue("Bearer", renewed);
        return await base.SendAsync(retry, cancellationToken);
    }

    private static HttpRequestMessage Copy(HttpRequestMessage request, byte[]? body)
    {
        var copy = new HttpRequestMessage(request.Method, request.RequestUri) { Version = request.Version, VersionPolicy = request.VersionPolicy };
        foreach (var header in request.Headers)
        {
            copy.Headers.TryAddWithoutValidation(header.Key, header.Value);
        }
        foreach (var option in request.Options)
        {
            ((IDictionary<string, object?>)copy.Options)[option.Key] = option.Value;
        }
        if (body is not null)
        {
            copy.Content = new ByteArrayContent(body);
            foreach (var header in request.Content!.Headers)
            {
                copy.Content.Headers.TryAddWithoutValidation(header.Key, header.Value);
            }
        }
        return copy;
    }
}
