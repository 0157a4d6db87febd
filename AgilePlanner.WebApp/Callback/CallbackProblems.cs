using AgilePlanner.AspNetCore;

namespace AgilePlanner.WebApp.Callback;

/// <summary>The page for every way a callback can fail, by the short code used in <c>/callback/error/{code}</c>.</summary>
public static class CallbackProblems
{
    public const string AccessDenied = "access_denied";

    private static readonly CallbackProblem[] All =
    [
        new("invalid_request", "Agile Planner could not accept the request",
            "Agile Planner said the authorization request was missing a parameter, or had one it could not accept.",
            "Try connecting again. If this keeps happening, the app's AgilePlanner settings (client id, callback URL) need checking.", FromProvider: true),
        new("invalid_scope", "This app's registration does not include the access it asked for",
            "Agile Planner refused the scope this app asked for: the app's registration at Agile Planner does not include it (a registration lists the scopes, such as read and write, that the app may ask for).",
            "Whoever runs this app can add the scope to the app's registration in Agile Planner's developer portal (for the built-in sandbox: /sandbox/developers), or ask only for the registered scopes in AgilePlanner:Scopes.", FromProvider: true),
        new("unauthorized_client", "This app is not allowed to connect this way",
            "Agile Planner did not allow this application to ask for access with an authorization code.",
            "The app's registration at Agile Planner needs checking before anyone can connect.", FromProvider: true),
        new("unsupported_response_type", "Agile Planner does not support this kind of request",
            "Agile Planner does not hand out authorization codes to this app.",
            "The app's registration at Agile Planner needs checking before anyone can connect.", FromProvider: true),
        new("server_error", "Agile Planner had a problem",
            "Agile Planner ran into an unexpected error while asking for your permission. Nothing was shared.",
            "Wait a moment and connect again.", FromProvider: true),
        new("temporarily_unavailable", "Agile Planner is busy right now",
            "Agile Planner could not handle the request at the moment. Nothing was shared.",
            "Wait a minute or two and connect again.", FromProvider: true),
        new("provider_error", "Agile Planner answered with an error",
            "Agile Planner did not give this app access, and answered with an error code this app does not know.",
            "Connect again. If it keeps happening, the details below will help whoever runs this app.", FromProvider: true),
        new("state_missing", "This answer did not come from a sign-in started here",
            "The page was opened with an answer from Agile Planner that carries no state, so this app cannot tell which sign-in it belongs to. It was ignored.",
            "If you were connecting, start again from this app."),
        new("state_invalid", "This sign-in answer was not issued by this app",
            "The answer's state was not created by this app: the link was changed or made up. It was ignored and nothing was exchanged.",
            "If you were connecting, start again from this app. Do not follow sign-in links sent by others."),
        new("attempt_unknown", "This sign-in was not started in this browser",
            "The answer belongs to a sign-in that this browser did not start, or that was completed already (for example by going back or reloading the page). It was ignored.",
            "Start again from this app, in this browser."),
        new("attempt_expired", "The sign-in took too long",
            "The sign-in was started more than 15 minutes ago, so this app no longer accepts its answer.",
            "Connect again; it only takes a moment."),
        new("issuer_mismatch", "The answer came from a different server",
            "The answer did not name the Agile Planner server this app is configured for (RFC 9207 'iss' check), so it was refused before anything was exchanged.",
            "Connect again. If this keeps happening, check the AgilePlanner:Issuer setting."),
        new("code_missing", "The answer carried no authorization code",
            "Agile Planner sent the browser back without a code or an error, so there is nothing to exchange.",
            "Connect again."),
        new("token_invalid_grant", "The authorization was not accepted",
            "Agile Planner did not accept the authorization code: it expired, was already used, or was issued for something else.",
            "Connect again to get a fresh one."),
        new("token_invalid_client", "Agile Planner did not recognise this app",
            "Agile Planner refused this app's client id or client secret when the code was exchanged. What it said is below.",
            "Whoever runs this app should check AgilePlanner:ClientId and AgilePlanner:ClientSecret (the secret may have been changed).", OfferConnect: false),
        new("token_rejected", "Agile Planner refused the token request",
            "Agile Planner answered the code exchange with an error.",
            "Connect again. If it keeps happening, the error code below will help whoever runs this app.", FromProvider: true),
        new("token_invalid_response", "Agile Planner's answer could not be read",
            "The token endpoint answered with something other than the JSON that OAuth 2 describes, so no access token could be found.",
            "Connect again. If it keeps happening, check AgilePlanner:TokenEndpoint."),
        new("token_server_error", "Agile Planner's token service failed",
            "The token endpoint answered with a server error, so the connection could not be completed.",
            "Wait a moment and connect again."),
        new("token_timeout", "Agile Planner did not answer in time",
            "The token endpoint did not answer within 10 seconds. The request was not repeated, because an authorization code can be used only once.",
            "Connect again in a moment."),
        new("token_unreachable", "Agile Planner could not be reached",
            "This app could not open a connection to the token endpoint.",
            "Wait a moment and connect again. If it keeps happening, check AgilePlanner:TokenEndpoint and the network."),
        new("provider_metadata", "Agile Planner's server description could not be used",
            "To connect, this app reads the provider's metadata from its issuer (RFC 8414), and it could not use it. Nothing was sent to the provider.",
            "Whoever runs this app should check AgilePlanner:Issuer: it must be exactly the issuer the provider names in its metadata. The reason is below.", OfferConnect: false),
        new("par_rejected", "Agile Planner refused the sign-in request",
            "This app sends its sign-in request to the provider first (a pushed authorization request, RFC 9126), and the provider refused it. Nothing was shared.",
            "Connect again. If it keeps happening, check AgilePlanner:ClientId, AgilePlanner:ClientSecret and AgilePlanner:PushedAuthorization; the error below will help."),
        new("par_failed", "Agile Planner did not take the sign-in request",
            "This app sends its sign-in request to the provider first (a pushed authorization request, RFC 9126), and got no usable answer. Nothing was shared.",
            "Wait a moment and connect again. If it keeps happening, check AgilePlanner:Issuer and AgilePlanner:PushedAuthorization."),
        new("sign_in_failed", "The connection could not be completed",
            "Something went wrong while completing the connection with Agile Planner.",
            "Connect again."),
    ];

    private static readonly Dictionary<string, CallbackProblem> ByCode = All.ToDictionary(p => p.Code, StringComparer.Ordinal);

    public static CallbackProblem? Find(string code) => ByCode.GetValueOrDefault(code);

    public static string CodeFor(CallbackFailedException? failure) => failure?.Failure switch
    {
        CallbackFailure.AccessDenied => AccessDenied,
        CallbackFailure.ProviderError => failure.Error is { } error && ByCode.TryGetValue(error, out var known) && known.FromProvider && error != "token_rejected" ? error : "provider_error",
        CallbackFailure.StateMissing => "state_missing",
        CallbackFailure.StateInvalid => "state_invalid",
        CallbackFailure.AttemptUnknown => "attempt_unknown",
        CallbackFailure.AttemptExpired => "attempt_expired",
        CallbackFailure.IssuerMismatch => "issuer_mismatch",
        CallbackFailure.CodeMissing => "code_missing",
        CallbackFailure.TokenExchangeFailed => failure.TokenFailure switch
        {
            TokenFailure.InvalidGrant => "token_invalid_grant",
            TokenFailure.InvalidClient => "token_invalid_client",
            TokenFailure.Rejected => "token_rejected",
            TokenFailure.InvalidResponse => "token_invalid_response",
            TokenFailure.ServerError => "token_server_error",
            TokenFailure.Timeout => "token_timeout",
            TokenFailure.Unreachable => "token_unreachable",
            _ => "sign_in_failed",
        },
        CallbackFailure.ProviderMetadataUnavailable => "provider_metadata",
        CallbackFailure.PushedAuthorizationFailed => failure.Error is null ? "par_failed" : "par_rejected",
        _ => "sign_in_failed",
    };
}
