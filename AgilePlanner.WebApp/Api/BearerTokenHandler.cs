using System.Net;
using System.Net.Http.Headers;
using AgilePlanner.WebApp.Authentication;
using AgilePlanner.WebApp.Session;

namespace AgilePlanner.WebApp.Api;

/// <summary>
/// Attaches <c>Authorization: Bearer</c> from the session to every API call (RFC 6750 section 2.1). Refreshes the
/// token shortly before it expires, and after a 401 refreshes once and retries once; never more.
/// </summary>
public sealed class BearerTokenHandler(
    SessionStore session, TokenRefresher refresher, TimeProvider timeProvider, IHttpContextAccessor httpContextAccessor, ILogger<BearerTokenHandler> logger)
    : DelegatingHandler
{
    private static readonly TimeSpan RefreshMargin = TimeSpan.FromSeconds(60);

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        // The sign-in reads /me with the token it has just received, before there is a session.
        if (request.Headers.Authorization is not null)
        {
            return await base.SendAsync(request, cancellationToken);
        }

        var tokens = await session.GetTokensAsync() ?? throw new ApiException(ApiFailure.NotConnected, "There is no Agile Planner session.");
        var refreshed = false;
        if (tokens.RefreshToken is not null && tokens.ExpiresWithin(RefreshMargin, timeProvider.GetUtcNow()))
        {
            tokens = await RefreshAsync(tokens, stillUsable: !tokens.ExpiresWithin(TimeSpan.Zero, timeProvider.GetUtcNow()), cancellationToken);
            refreshed = true;
        }

        var body = request.Content is null ? null : await request.Content.ReadAsByteArrayAsync(cancellationToken);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", tokens.AccessToken);
        var response = await base.SendAsync(request, cancellationToken);
        if (response.StatusCode != HttpStatusCode.Unauthorized || refreshed || tokens.RefreshToken is null)
        {
            return response;
        }

        logger.ApiRetryAfterRefresh(request.Method.Method, request.RequestUri?.AbsolutePath ?? string.Empty);
        response.Dispose();
        tokens = await RefreshAsync(tokens, stillUsable: false, cancellationToken);
        var retry = Copy(request, body);
        retry.Headers.Authorization = new AuthenticationHeaderValue("Bearer", tokens.AccessToken);
        return await base.SendAsync(retry, cancellationToken);
    }

    private async Task<SessionTokens> RefreshAsync(SessionTokens tokens, bool stillUsable, CancellationToken cancellationToken)
    {
        var context = httpContextAccessor.HttpContext ?? throw new InvalidOperationException("API calls are made while handling a request.");
        var result = await refresher.RefreshAsync(context.Request, tokens.RefreshToken!, cancellationToken);
        if (result.Succeeded)
        {
            return await session.SaveAsync(result.Tokens!, timeProvider.GetUtcNow())
                ?? throw new ApiException(ApiFailure.NotConnected, "The session ended during the refresh.");
        }

        if (result.ConnectionRefused)
        {
            throw new ApiException(ApiFailure.AccessRevoked, "The provider refused the refresh token.");
        }

        // A provider that is briefly down should not end a session whose token still works.
        return stillUsable ? tokens : throw new ApiException(ApiFailure.Unavailable, "The token could not be refreshed.");
    }

    private static HttpRequestMessage Copy(HttpRequestMessage request, byte[]? body)
    {
        var copy = new HttpRequestMessage(request.Method, request.RequestUri) { Version = request.Version, VersionPolicy = request.VersionPolicy };
        foreach (var header in request.Headers)
        {
            copy.Headers.TryAddWithoutValidation(header.Key, header.Value);
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
