namespace AgilePlanner.WebApp.Flow;

/// <summary>
/// What each step and each parameter is for, following Agile Planner's OAuth guide, told in this app's words
/// so a developer new to OAuth can follow the flow from the inspector alone.
/// </summary>
public static class FlowExplanations
{
    public static string ForStep(FlowStepKind kind) => kind switch
    {
        FlowStepKind.Authorize =>
            "Requesting authentication. The app built Agile Planner's authorize URL from its client id, its registered " +
            "callback URL and a few safety values, and sent your browser there. Agile Planner, not this app, asks you to " +
            "sign in and whether to let the app into your account, so the app never sees your password.",
        FlowStepKind.Callback =>
            "Agile Planner sent your browser back to the app's callback URL. If you allowed the app, the query string " +
            "carries a code: a short-lived, single-use voucher that is not access by itself. If you denied it, there is " +
            "no code but error=access_denied and a friendlier error_description; other errors mean a parameter was " +
            "missing or wrong. Either way state comes back unchanged, so the app can check the answer is for a sign-in " +
            "this browser started.",
        FlowStepKind.TokenRequest =>
            "Obtaining an access token. The app's server, not your browser, posted form-encoded data to the token " +
            "endpoint: the code from the callback, the same redirect_uri, and the app's client id and secret to prove " +
            "who is asking. This back-channel call never passes through the browser, which is why the secret and the " +
            "PKCE code_verifier can travel in it.",
        FlowStepKind.TokenResponse =>
            "The token endpoint answered with a JSON object. The app parsed it and kept access_token (what API calls " +
            "carry), and refresh_token and expires_in when present. They live in the app's encrypted session cookie; " +
            "this page only ever shows their first and last four characters.",
        FlowStepKind.ApiCall =>
            "Making an authenticated API request. The app called the API with the access token in an " +
            "'Authorization: Bearer ACCESS_TOKEN' header, as the guide says. A 401 means the token is missing, expired " +
            "or revoked; a 403 means it lacks a scope the call needs.",
        FlowStepKind.Refresh =>
            "The access token was close to expiry (or the API refused it), so the app posted grant_type=refresh_token " +
            "to the token endpoint instead of sending you through the consent page again. Agile Planner answers with a " +
            "new access token and a new refresh token: the old refresh token stops working (rotation).",
        FlowStepKind.Revocation =>
            "On Disconnect the app asked Agile Planner to revoke its token (RFC 7009), so the token stops working " +
            "everywhere, not just in this browser. The endpoint answers 200 whatever the token's state.",
        FlowStepKind.PushedAuthorization =>
            "Pushing the authorization request (RFC 9126). Before sending your browser anywhere, the app's server posted " +
            "the whole authorization request (client id, callback URL, scopes, state, PKCE challenge) straight to Agile " +
            "Planner, proving who it is with its client secret or a signed key assertion. Agile Planner kept it and answered with a request_uri, a " +
            "one-time reference that expires within seconds or minutes. This is safer: the request's parameters never " +
            "travel in the browser's address bar, history or logs, where they could be read or changed; Agile Planner " +
            "knows the request came from the real app before showing you any page; and a stolen request_uri is useless " +
            "once used or expired.",
        FlowStepKind.Failure =>
            "Something went wrong here. The app stopped the flow and showed you a page saying so; the details below are " +
            "what it knew at that point.",
        _ => string.Empty,
    };

    /// <summary>What a parameter of the authorize URL, the callback query or a token request is for.</summary>
    public static string ForParameter(string name) => name switch
    {
        "response_type" => "code: the app asks for an authorization code, which its server trades for tokens afterwards (the authorization code grant).",
        "client_id" => "Who is asking: the id Agile Planner gave this app when it was registered. Public, not a secret.",
        "redirect_uri" => "Where to send the browser back. It must match a callback URL registered for the app, or Agile Planner shows an error page instead of redirecting.",
        "scope" => "What the app asks to do, space separated: read (projects and stories) and write (add stories). You see these on the consent page.",
        "state" => "A one-time value bound to this browser. It must come back unchanged, so a forged or replayed callback is refused (it stops cross-site request forgery). Shown shortened.",
        "code_challenge" => "PKCE: the SHA-256 hash of a random code_verifier the app keeps to itself. Only the holder of the verifier can redeem the code, so a stolen code is worthless.",
        "code_challenge_method" => "S256: the challenge is a SHA-256 hash of the verifier (the weaker plain method is refused).",
        "code" => "The authorization code: short-lived and single-use; the app trades it for tokens at the token endpoint. Masked.",
        "iss" => "The issuer that answered (RFC 9207). An app that talks to several providers checks it to avoid mixing their answers up.",
        "error" => "Why there is no code: access_denied when you pressed Deny; other values when a parameter was missing or wrong.",
        "error_description" => "The provider's friendlier explanation of the error, shown to you as text.",
        "error_uri" => "A page at the provider about this error, if it offers one.",
        "grant_type" => "Which kind of exchange this is: authorization_code trades a code, refresh_token trades a refresh token.",
        "client_secret" => "The app's password, sent only on this back channel, never to a browser. Masked.",
        "client_assertion_type" => "urn:ietf:params:oauth:client-assertion-type:jwt-bearer: the app proves who it is with a signed JWT (private_key_jwt, RFC 7523) instead of a secret.",
        "client_assertion" => "A JWT the app signed with its private key: iss and sub are its client id, aud the issuer, exp a minute away, jti used once. " +
            "Safer than a shared secret: the private key never leaves the app and the provider keeps only the public half, so nothing it stores " +
            "can sign for the app, and a copied assertion is refused once used or a minute old. Header and claims shown decoded, the signature hidden.",
        "code_verifier" => "The PKCE secret whose SHA-256 hash was the code_challenge in the authorize URL. Agile Planner hashes it and compares. Masked.",
        "refresh_token" => "A long-lived token that gets new access tokens without asking you again. Masked.",
        "access_token" => "The token API calls carry in 'Authorization: Bearer ...'. Masked.",
        "token" => "The token to revoke. Masked.",
        "token_type_hint" => "Tells the revocation endpoint which kind of token it is, to find it faster.",
        "token_type" => "Bearer: whoever presents the token gets access, so it must only travel over the back channel.",
        "expires_in" => "Seconds until the access token expires; the app refreshes it before then.",
        "request_uri" => "The reference Agile Planner gave for the pushed request (RFC 9126): the authorize URL carries it instead of the parameters. Usable once, and only by this app.",
        "request_expires_in" => "Seconds the request_uri stays usable; the browser must reach the authorize page before then.",
        _ => "An extra parameter.",
    };

    /// <summary>One-line meaning of an HTTP status in this flow.</summary>
    public static string ForStatus(int status) => status switch
    {
        200 => "OK.",
        201 => "Created.",
        204 => "No content.",
        400 => "The request was refused as invalid; the JSON error says why (invalid_grant: the code or refresh token is spent, expired or not this app's).",
        401 => "Not authenticated: a missing, expired or revoked token (API), or wrong client credentials (token endpoint).",
        403 => "The token is valid but lacks a scope this call needs.",
        404 => "Not found.",
        429 => "Too many requests: slow down and retry after the Retry-After header.",
        >= 500 => "The server failed; the app tells you and you can try again later.",
        _ => string.Empty,
    };
}
