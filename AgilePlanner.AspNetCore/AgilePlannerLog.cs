using Microsoft.Extensions.Logging;

namespace AgilePlanner.AspNetCore;

/// <summary>
/// One structured event for each step of the OAuth flow, so an operator can follow a user's flow by its trace id.
/// None of them carries a token, code, verifier or secret.
/// </summary>
internal static partial class AgilePlannerLog
{
    [LoggerMessage(1001, LogLevel.Information, "Redirecting to Agile Planner's authorization endpoint {AuthorizationEndpoint} for scopes {Scopes} (PKCE {Pkce})")]
    public static partial void RedirectingToAuthorization(this ILogger logger, string authorizationEndpoint, string scopes, bool pkce);

    [LoggerMessage(1002, LogLevel.Information, "Authorization callback received with a code")]
    public static partial void CallbackReceivedCode(this ILogger logger);

    [LoggerMessage(1003, LogLevel.Warning, "Authorization callback refused: {Failure}")]
    public static partial void CallbackRefused(this ILogger logger, CallbackFailure failure);

    [LoggerMessage(1004, LogLevel.Information, "Authorization callback received error {Error} from the provider")]
    public static partial void CallbackReceivedError(this ILogger logger, string error);

    [LoggerMessage(1005, LogLevel.Information, "Token request ({GrantType}) succeeded; access token lifetime {ExpiresIn} s")]
    public static partial void TokenRequestSucceeded(this ILogger logger, string grantType, int? expiresIn);

    [LoggerMessage(1006, LogLevel.Warning, "Token request ({GrantType}) failed: {Failure}, status {Status}, error {Error}")]
    public static partial void TokenRequestFailed(this ILogger logger, string grantType, TokenFailure failure, int? status, string? error);

    [LoggerMessage(1007, LogLevel.Information, "Revoked the {TokenTypeHint} at the provider (status {Status})")]
    public static partial void TokenRevoked(this ILogger logger, string tokenTypeHint, int status);

    [LoggerMessage(1008, LogLevel.Warning, "Revocation of the {TokenTypeHint} failed: {Reason}")]
    public static partial void TokenRevocationFailed(this ILogger logger, string tokenTypeHint, string reason);

    [LoggerMessage(1009, LogLevel.Information, "Signed in to Agile Planner; scopes granted {Scopes}")]
    public static partial void SignedIn(this ILogger logger, string scopes);

    [LoggerMessage(1010, LogLevel.Information, "Access token refreshed for this session")]
    public static partial void TokenRefreshed(this ILogger logger);

    [LoggerMessage(1011, LogLevel.Information, "Refresh skipped: another request of this session refreshed the tokens already")]
    public static partial void RefreshReused(this ILogger logger);

    [LoggerMessage(1012, LogLevel.Warning, "Refresh not attempted: another instance held this refresh token's lock for 15 s")]
    public static partial void RefreshLockTimedOut(this ILogger logger);

    [LoggerMessage(1018, LogLevel.Information, "Authorization callback without this browser's correlation cookie ({Reason}): a stale tab, a second click or another browser")]
    public static partial void CorrelationCookieRefused(this ILogger logger, string reason);

    [LoggerMessage(1019, LogLevel.Warning, "The user information endpoint {Path} gave no user ({Reason}); the session goes on without a name")]
    public static partial void UserInformationFailed(this ILogger logger, string path, string reason);

    [LoggerMessage(1020, LogLevel.Debug, "The session's tokens were written back to its cookie")]
    public static partial void SessionTokensSaved(ILogger logger);

    [LoggerMessage(1030, LogLevel.Information, "Authorization request pushed to the provider; its request_uri lives {ExpiresIn} s")]
    public static partial void AuthorizationRequestPushed(this ILogger logger, int expiresIn);

    [LoggerMessage(1031, LogLevel.Warning, "Pushing the authorization request failed: {Failure}, status {Status}, error {Error}")]
    public static partial void AuthorizationPushFailed(this ILogger logger, TokenFailure failure, int? status, string? error);

    [LoggerMessage(1032, LogLevel.Warning, "The provider's metadata for issuer {Issuer} cannot be used: {Problem}")]
    public static partial void MetadataUnavailable(this ILogger logger, string issuer, string problem);

    [LoggerMessage(1033, LogLevel.Information, "Read the provider's metadata for issuer {Issuer} (pushed requests offered {PushOffered}, required {PushRequired})")]
    public static partial void MetadataRead(this ILogger logger, string issuer, bool pushOffered, bool pushRequired);

    [LoggerMessage(1035, LogLevel.Warning, "The provider's metadata for issuer {Issuer} does not list the configured client authentication {Method} (it lists {Supported}): its token endpoint will likely answer invalid_client. Check AgilePlanner:ClientAuthentication")]
    public static partial void ClientAuthenticationNotListed(this ILogger logger, string issuer, string method, string supported);

    [LoggerMessage(1034, LogLevel.Information, "The provider's metadata for issuer {Issuer} could not be read: {Problem}")]
    public static partial void MetadataReadFailed(this ILogger logger, string issuer, string problem);
}
