using System.Buffers;
using System.Globalization;
using System.Net.Http.Headers;
using System.Text.Json;
using AgilePlanner.Api;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace AgilePlanner.AspNetCore;

/// <summary>
/// The back channel to the token and revocation endpoints: code exchange, refresh and RFC 7009 revocation,
/// the client authenticated as <see cref="ClientCredentialsForm"/> says, over the scheme's <see cref="Microsoft.AspNetCore.Authentication.RemoteAuthenticationOptions.Backchannel"/>
/// within its <c>BackchannelTimeout</c>. Never retried: a retried code exchange is a second redemption.
/// </summary>
internal sealed class AgilePlannerTokenClient(TimeProvider timeProvider, IHttpContextAccessor httpContextAccessor, ILogger<AgilePlannerTokenClient> logger)
{
    private const int MaxResponseBytes = 64 * 1024;

    public Task<TokenResult> RedeemCodeAsync(
        string tokenEndpoint, AgilePlannerAuthenticationOptions options, string code, string redirectUri, string? codeVerifier, CancellationToken cancellationToken)
    {
        var form = new Dictionary<string, string>
        {
            ["grant_type"] = "authorization_code",
            ["code"] = code,
            ["redirect_uri"] = redirectUri,
        };
        if (codeVerifier is not null)
        {
            form[Microsoft.AspNetCore.Authentication.OAuth.OAuthConstants.CodeVerifierKey] = codeVerifier;
        }
        return RequestTokensAsync(tokenEndpoint, options, "authorization_code", form, cancellationToken);
    }

    public Task<TokenResult> RefreshAsync(string tokenEndpoint, AgilePlannerAuthenticationOptions options, string refreshToken, CancellationToken cancellationToken)
    {
        var form = new Dictionary<string, string>
        {
            ["grant_type"] = "refresh_token",
            ["refresh_token"] = refreshToken,
        };
        return RequestTokensAsync(tokenEndpoint, options, "refresh_token", form, cancellationToken);
    }

    /// <summary>RFC 7009 revocation: whether the provider confirmed it, refused it, or did not answer at all.</summary>
    public async Task<RevocationOutcome> RevokeAsync(
        string revocationEndpoint, AgilePlannerAuthenticationOptions options, string token, string tokenTypeHint, CancellationToken cancellationToken)
    {
        var form = new Dictionary<string, string>
        {
            ["token"] = token,
            ["token_type_hint"] = tokenTypeHint,
        };
        using var timeout = new CancellationTokenSource(options.BackchannelTimeout, timeProvider);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
        try
        {
            using var request = ClientCredentialsForm.Request(revocationEndpoint, form, options, Audience(options, revocationEndpoint), timeProvider);
            using var response = await options.Backchannel.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, linked.Token);
            logger.TokenRevoked(tokenTypeHint, (int)response.StatusCode);
            return response.IsSuccessStatusCode ? RevocationOutcome.Confirmed : RevocationOutcome.Refused;
        }
        catch (Exception exception) when (exception is HttpRequestException || (exception is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            logger.TokenRevocationFailed(tokenTypeHint, exception.GetType().Name);
            return RevocationOutcome.NoAnswer;
        }
    }

    /// <summary>
    /// RFC 9126: pushes the authorization request's parameters, the client authenticated as at the token endpoint, for a
    /// <c>request_uri</c> the browser's authorize URL carries instead. Never retried.
    /// </summary>
    public async Task<PushResult> PushAsync(
        string endpoint, AgilePlannerAuthenticationOptions options, IEnumerable<KeyValuePair<string, string>> parameters, CancellationToken cancellationToken)
    {
        var form = parameters.ToDictionary(p => p.Key, p => p.Value, StringComparer.Ordinal);
        var result = await PostAsync(endpoint, options, form, cancellationToken);
        PushResult push;
        if (result.Failure is { } failure)
        {
            push = new PushResult(null, null, failure, result.Error, result.Status) { ErrorDescription = result.Description };
        }
        else if (result.Json is { ValueKind: JsonValueKind.Object } json
            && json.TryGetProperty("request_uri", out var uri) && uri.ValueKind == JsonValueKind.String && !string.IsNullOrEmpty(uri.GetString())
            && json.TryGetProperty("expires_in", out var expires) && expires.ValueKind == JsonValueKind.Number && expires.TryGetInt32(out var seconds) && seconds > 0)
        {
            push = new PushResult(uri.GetString(), seconds, null, Status: result.Status);
        }
        else
        {
            push = new PushResult(null, null, TokenFailure.InvalidResponse, Status: result.Status);
        }

        if (push.Succeeded)
        {
            logger.AuthorizationRequestPushed(push.ExpiresIn!.Value);
        }
        else
        {
            logger.AuthorizationPushFailed(push.Failure!.Value, push.Status, push.ErrorCode);
        }
        return push;
    }

    private async Task<TokenResult> RequestTokensAsync(
        string tokenEndpoint, AgilePlannerAuthenticationOptions options, string grantType, Dictionary<string, string> form, CancellationToken cancellationToken)
    {
        var started = timeProvider.GetTimestamp();
        var result = await SendAsync(tokenEndpoint, options, form, cancellationToken);
        AgilePlannerTelemetry.TokenDuration.Record(timeProvider.GetElapsedTime(started).TotalSeconds, new KeyValuePair<string, object?>("grant_type", grantType));
        if (result.Succeeded)
        {
            logger.TokenRequestSucceeded(grantType, result.Tokens!.ExpiresIn);
        }
        else
        {
            logger.TokenRequestFailed(grantType, result.Failure!.Value, result.Status, result.ErrorCode);
        }
        return result;
    }

    private async Task<TokenResult> SendAsync(string tokenEndpoint, AgilePlannerAuthenticationOptions options, Dictionary<string, string> form, CancellationToken cancellationToken)
    {
        var result = await PostAsync(tokenEndpoint, options, form, cancellationToken);
        if (result.Failure is { } failure)
        {
            return TokenResult.Failed(failure, result.Error, result.Status) with { ErrorDescription = result.Description };
        }
        return ParseTokens(result.Json) is { } tokens
            ? TokenResult.Success(tokens)
            : TokenResult.Failed(TokenFailure.InvalidResponse, status: result.Status);
    }

    /// <summary>One form POST to the provider: a 2xx answer's JSON, or the failure RFC 6749 section 5.2 describes.</summary>
    private async Task<Posted> PostAsync(string endpoint, AgilePlannerAuthenticationOptions options, Dictionary<string, string> form, CancellationToken cancellationToken)
    {
        using var timeout = new CancellationTokenSource(options.BackchannelTimeout, timeProvider);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
        try
        {
            using var request = ClientCredentialsForm.Request(endpoint, form, options, Audience(options, endpoint), timeProvider);
            request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
            using var response = await options.Backchannel.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, linked.Token);
            var status = (int)response.StatusCode;
            var json = await ReadJsonAsync(response, linked.Token);

            if (response.IsSuccessStatusCode)
            {
                return new Posted(json, null, status, null, null);
            }

            if (status >= 500)
            {
                return new Posted(null, TokenFailure.ServerError, status, null, null);
            }

            var error = json is { ValueKind: JsonValueKind.Object } && json.Value.TryGetProperty("error", out var e) && e.ValueKind == JsonValueKind.String
                ? ProviderText.Code(e.GetString())
                : null;
            var description = error is not null && json!.Value.TryGetProperty("error_description", out var d) && d.ValueKind == JsonValueKind.String
                ? ProviderText.Description(d.GetString())
                : null;
            var failure = error switch
            {
                null => TokenFailure.InvalidResponse,
                "invalid_grant" => TokenFailure.InvalidGrant,
                "invalid_client" => TokenFailure.InvalidClient,
                _ => TokenFailure.Rejected,
            };
            return new Posted(null, failure, status, error, description);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return new Posted(null, TokenFailure.Timeout, null, null, null);
        }
        catch (HttpRequestException)
        {
            return new Posted(null, TokenFailure.Unreachable, null, null, null);
        }
    }

    /// <summary>
    /// The audience of a client assertion: the issuer (as the browser sees it, for a provider hosted in this app, whose issuer
    /// follows the public address), or the endpoint itself when no issuer is configured (RFC 7523 section 3 allows both).
    /// </summary>
    private string Audience(AgilePlannerAuthenticationOptions options, string endpoint)
    {
        if (string.IsNullOrWhiteSpace(options.Issuer))
        {
            return endpoint;
        }
        if (!AgilePlannerEndpoints.IsLocalPath(options.Issuer))
        {
            return options.Issuer;
        }
        return httpContextAccessor.HttpContext is { } context ? AgilePlannerEndpoints.ForBrowser(options.Issuer, context.Request)! : endpoint;
    }

    /// <summary>
    /// The answer's JSON, read through a 64 KB limit as it streams in (a longer answer is dropped at the limit, never buffered
    /// whole); null when it is longer or not JSON.
    /// </summary>
    private static async Task<JsonElement?> ReadJsonAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        if (response.Content.Headers.ContentLength > MaxResponseBytes)
        {
            return null;
        }

        await using var stream = await response.Content.ReadAsStreamAsync(cancellationToken);
        // One byte over the limit tells a longer answer from one of exactly the limit.
        var body = ArrayPool<byte>.Shared.Rent(MaxResponseBytes + 1);
        try
        {
            var length = 0;
            int read;
            while (length <= MaxResponseBytes && (read = await stream.ReadAsync(body.AsMemory(length, MaxResponseBytes + 1 - length), cancellationToken)) > 0)
            {
                length += read;
            }
            if (length > MaxResponseBytes)
            {
                return null;
            }

            // The clone owns its data: the buffer goes back to the pool once the document is disposed.
            using var document = JsonDocument.Parse(body.AsMemory(0, length));
            return document.RootElement.Clone();
        }
        catch (JsonException)
        {
            return null;
        }
        finally
        {
            // Cleared first: the answer held tokens.
            ArrayPool<byte>.Shared.Return(body, clearArray: true);
        }
    }

    /// <summary>The longest access token lifetime believed (a year): a larger <c>expires_in</c> is cut to it.</summary>
    internal const int MaxExpiresIn = 365 * 24 * 3600;

    /// <summary>
    /// RFC 6749 section 5.1, strictly: a JSON object with a non-empty string <c>access_token</c> and a <c>token_type</c> of
    /// Bearer in any case (RFC 6750); <c>expires_in</c> a positive whole number of seconds (a numeric string accepted, a
    /// fraction rounded down, more than a year cut to a year; zero, negative, non-numeric refused; absent or null: unknown);
    /// <c>refresh_token</c> and <c>scope</c> strings when present. Anything else is no answer at all.
    /// </summary>
    internal static TokenSet? ParseTokens(JsonElement? json)
    {
        if (json is not { ValueKind: JsonValueKind.Object } root
            || !root.TryGetProperty("access_token", out var access) || access.ValueKind != JsonValueKind.String
            || string.IsNullOrEmpty(access.GetString()))
        {
            return null;
        }

        // A key twice: which access_token or token_type would be meant is anyone's guess, so neither is.
        var names = new HashSet<string>(StringComparer.Ordinal);
        if (root.EnumerateObject().Any(property => !names.Add(property.Name)))
        {
            return null;
        }

        if (!root.TryGetProperty("token_type", out var type) || type.ValueKind != JsonValueKind.String
            || !string.Equals(type.GetString(), "Bearer", StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        int? expiresIn = null;
        if (root.TryGetProperty("expires_in", out var expires) && expires.ValueKind != JsonValueKind.Null)
        {
            double seconds;
            if (expires.ValueKind == JsonValueKind.Number && expires.TryGetDouble(out var number))
            {
                seconds = number;
            }
            else if (expires.ValueKind == JsonValueKind.String
                && long.TryParse(expires.GetString(), NumberStyles.None, CultureInfo.InvariantCulture, out var text))
            {
                seconds = text;
            }
            else
            {
                return null;
            }
            if (!double.IsFinite(seconds) || seconds < 1)
            {
                return null;
            }
            expiresIn = (int)Math.Min(Math.Floor(seconds), MaxExpiresIn);
        }

        string? refresh = null;
        if (root.TryGetProperty("refresh_token", out var r) && r.ValueKind != JsonValueKind.Null)
        {
            if (r.ValueKind != JsonValueKind.String)
            {
                return null;
            }
            refresh = r.GetString();
        }

        string? scope = null;
        if (root.TryGetProperty("scope", out var s) && s.ValueKind != JsonValueKind.Null)
        {
            if (s.ValueKind != JsonValueKind.String)
            {
                return null;
            }
            scope = string.IsNullOrWhiteSpace(s.GetString()) ? null : s.GetString();
        }
        return new TokenSet(access.GetString()!, string.IsNullOrEmpty(refresh) ? null : refresh, "Bearer", expiresIn, scope);
    }

    private sealed record Posted(JsonElement? Json, TokenFailure? Failure, int? Status, string? Error, string? Description);
}
