using System.Globalization;
using System.Net.Http.Headers;
using System.Security.Claims;
using System.Text.Encodings.Web;
using System.Text.Json;
using AgilePlanner.Api;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.OAuth;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Primitives;

namespace AgilePlanner.AspNetCore;

/// <summary>
/// The OAuth 2 authorization code flow with Agile Planner, on the framework's <see cref="OAuthHandler{TOptions}"/>: the base class
/// runs state, correlation, PKCE (S256), the error answers (<c>OnAccessDenied</c>, <c>AccessDeniedPath</c>), the events and
/// <c>SaveTokens</c>; this class adds what it lacks, each at the hook where the base class calls it: the sign-in's age, the
/// browser binding and the RFC 9207 <c>iss</c> before any token request, a strict token answer, and typed failures.
/// </summary>
public sealed class AgilePlannerAuthenticationHandler : OAuthHandler<AgilePlannerAuthenticationOptions>
{
    /// <summary>When the sign-in was started, kept inside the protected state.</summary>
    private const string StartedItem = ".agileplanner.started";

    // The names the framework's GenerateCorrelationId writes (RemoteAuthenticationHandler keeps them private).
    private const string CorrelationProperty = ".xsrf";
    private const string CorrelationMarker = "N";

    /// <summary>The refusal found by <see cref="ValidateCorrelationId"/>, which the base class can only report as a bool.</summary>
    private CallbackFailure? _refusal;

    /// <summary>This request's endpoints: the configured ones, completed from the provider's metadata.</summary>
    private ResolvedProvider? _provider;

    /// <summary>Made by the authentication system, once a request.</summary>
    /// <param name="options">The scheme's options.</param>
    /// <param name="logger">The logger factory.</param>
    /// <param name="encoder">The URL encoder.</param>
    public AgilePlannerAuthenticationHandler(IOptionsMonitor<AgilePlannerAuthenticationOptions> options, ILoggerFactory logger, UrlEncoder encoder)
        : base(options, logger, encoder)
    {
    }

    /// <summary>
    /// The base class's challenge (return URL, correlation cookie, state, PKCE, the redirect event) on the endpoints the metadata
    /// completes, with the request pushed first (RFC 9126) when the provider offers or requires it: the browser's URL then carries
    /// only <c>client_id</c> and <c>request_uri</c>.
    /// </summary>
    /// <param name="properties">The challenge's properties.</param>
    /// <returns>A task.</returns>
    protected override async Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        var (provider, problem) = await Context.RequestServices.GetRequiredService<ProviderResolver>().ResolveAsync(Options, Context, Context.RequestAborted);
        if (provider is null)
        {
            await ChallengeFailedAsync(properties, new CallbackFailedException(CallbackFailure.ProviderMetadataUnavailable, "The provider's metadata could not be used.")
            {
                ErrorDescription = problem,
            });
            return;
        }
        _provider = provider;

        if (string.IsNullOrEmpty(properties.RedirectUri))
        {
            properties.RedirectUri = OriginalPathBase + OriginalPath + Request.QueryString;
        }
        GenerateCorrelationId(properties);
        var url = BuildChallengeUrl(properties, BuildRedirectUri(Options.CallbackPath));

        var push = Options.PushedAuthorization != AgilePlannerPushedAuthorization.Disable
            && (provider.PushRequired || provider.PushedAuthorizationEndpoint is not null);
        if (push)
        {
            if (AgilePlannerEndpoints.ForBackchannel(provider.PushedAuthorizationEndpoint, Context) is not { } endpoint)
            {
                await ChallengeFailedAsync(properties, new CallbackFailedException(CallbackFailure.PushedAuthorizationFailed, "A pushed authorization request is required, and no endpoint is known.")
                {
                    ErrorDescription = "Neither the provider's metadata nor the PushedAuthorizationEndpoint setting names a pushed authorization request endpoint.",
                });
                return;
            }

            var queryStart = url.IndexOf('?', StringComparison.Ordinal);
            var authorize = url[..queryStart];
            var parameters = QueryHelpers.ParseQuery(url[queryStart..]).Select(p => KeyValuePair.Create(p.Key, p.Value.ToString())).ToList();
            var pushed = await Context.RequestServices.GetRequiredService<AgilePlannerTokenClient>().PushAsync(endpoint, Options, parameters, Context.RequestAborted);
            if (!pushed.Succeeded)
            {
                await ChallengeFailedAsync(properties, new CallbackFailedException(CallbackFailure.PushedAuthorizationFailed, "The provider did not accept the pushed authorization request.")
                {
                    TokenFailure = pushed.Failure,
                    Error = pushed.ErrorCode,
                    ErrorDescription = pushed.ErrorDescription,
                });
                return;
            }
            url = QueryHelpers.AddQueryString(authorize, new Dictionary<string, string?>
            {
                ["client_id"] = Options.ClientId,
                ["request_uri"] = pushed.RequestUri,
            });
        }

        var redirectContext = new RedirectContext<OAuthOptions>(Context, Scheme, Options, properties, url);
        await Events.RedirectToAuthorizationEndpoint(redirectContext);
    }

    /// <inheritdoc />
    protected override string BuildChallengeUrl(AuthenticationProperties properties, string redirectUri)
    {
        using var activity = AgilePlannerTelemetry.ActivitySource.StartActivity("agileplanner.authorize");
        properties.Items[StartedItem] = TimeProvider.GetUtcNow().ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        var configured = _provider?.AuthorizationEndpoint ?? Options.AuthorizationEndpoint;
        var endpoint = AgilePlannerEndpoints.ForBrowser(configured, Request)!;
        var scopes = properties.GetParameter<ICollection<string>>(OAuthChallengeProperties.ScopeKey) ?? Options.Scope;
        Logger.RedirectingToAuthorization(endpoint, string.Join(' ', scopes), Options.UsePkce);

        // The base class adds the parameters, the verifier (inside the state) and its S256 challenge, then protects the state,
        // on Options.AuthorizationEndpoint: they are moved onto the endpoint this request uses.
        var url = base.BuildChallengeUrl(properties, redirectUri);
        var added = url[(Options.AuthorizationEndpoint ?? string.Empty).Length..].TrimStart('?', '&');
        return endpoint + (endpoint.Contains('?', StringComparison.Ordinal) ? "&" : "?") + added;
    }

    /// <summary>A challenge that cannot go to the provider: the app's failure page (<c>OnRemoteFailure</c>), else a plain 503.</summary>
    private async Task ChallengeFailedAsync(AuthenticationProperties properties, CallbackFailedException failure)
    {
        Logger.CallbackRefused(failure.Failure);
        var context = new RemoteFailureContext(Context, Scheme, Options, failure) { Properties = properties };
        await Events.RemoteFailure(context);
        if (context.Result is { Handled: true })
        {
            return;
        }
        Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
        Response.ContentType = "text/plain; charset=utf-8";
        await Response.WriteAsync("Agile Planner cannot be reached as configured. Check the Issuer setting.", Context.RequestAborted);
    }

    /// <inheritdoc />
    protected override async Task<HandleRequestResult> HandleRemoteAuthenticateAsync()
    {
        using var activity = AgilePlannerTelemetry.ActivitySource.StartActivity("agileplanner.callback");
        var result = await CheckCallbackAsync();
        var failure = (result.Failure as CallbackFailedException)?.Failure;
        var denied = failure == CallbackFailure.AccessDenied || (result.Handled && string.Equals(Request.Query["error"], "access_denied", StringComparison.Ordinal));
        AgilePlannerTelemetry.Callback(activity, result.Succeeded ? "signed_in" : denied ? "denied" : "failed", failure ?? (denied ? CallbackFailure.AccessDenied : null));
        return result;
    }

    private async Task<HandleRequestResult> CheckCallbackAsync()
    {
        // RFC 6749 section 10.12 and RFC 9700 section 4.7: the state must be ours, and it is checked before anything else,
        // error answers included (the base class does too, but names neither failure).
        var state = Request.Query["state"];
        if (StringValues.IsNullOrEmpty(state))
        {
            return Refuse(CallbackFailure.StateMissing, "The callback carried no state.", properties: null);
        }
        if (state.Count != 1 || Options.StateDataFormat.Unprotect(state.ToString()) is not { } properties
            || !properties.Items.ContainsKey(StartedItem))
        {
            return Refuse(CallbackFailure.StateInvalid, "The callback's state was not issued by this app.", properties: null);
        }

        var (provider, problem) = await Context.RequestServices.GetRequiredService<ProviderResolver>().ResolveAsync(Options, Context, Context.RequestAborted);
        if (provider is null)
        {
            Logger.CallbackRefused(CallbackFailure.ProviderMetadataUnavailable);
            return HandleRequestResult.Fail(new CallbackFailedException(CallbackFailure.ProviderMetadataUnavailable, "The provider's metadata could not be used.")
            {
                ErrorDescription = problem,
            }, properties);
        }
        _provider = provider;

        var result = await base.HandleRemoteAuthenticateAsync();
        return result.Succeeded || result.Handled || result.Skipped || result.None || result.Failure is CallbackFailedException
            ? result
            : Typed(result);
    }

    /// <summary>
    /// Called by the base class right after it read the state, before the error answer or the code: the browser binding
    /// (always consumed, so an answer is used once), the sign-in's age, and the issuer (RFC 9207) before any token request.
    /// </summary>
    /// <param name="properties">The state's properties.</param>
    /// <returns>Whether the callback may go on.</returns>
    protected override bool ValidateCorrelationId(AuthenticationProperties properties)
    {
        var boundToThisBrowser = ConsumeCorrelationCookie(properties);
        if (!properties.Items.TryGetValue(StartedItem, out var started)
            || !long.TryParse(started, NumberStyles.None, CultureInfo.InvariantCulture, out var startedAt)
            || TimeProvider.GetUtcNow() - DateTimeOffset.FromUnixTimeSeconds(startedAt) > Options.RemoteAuthenticationTimeout)
        {
            return Refused(CallbackFailure.AttemptExpired);
        }
        if (!boundToThisBrowser)
        {
            return Refused(CallbackFailure.AttemptUnknown);
        }

        // RFC 9207: required when the endpoints are configured with the issuer, or the metadata says iss is sent; checked whenever it came.
        if (AgilePlannerEndpoints.ForBrowser(Options.Issuer, Request) is { } expectedIssuer
            && (_provider?.IssuerRequired != false || Request.Query.ContainsKey("iss")))
        {
            var iss = Request.Query["iss"];
            if (iss.Count != 1 || !string.Equals(iss.ToString(), expectedIssuer, StringComparison.Ordinal))
            {
                return Refused(CallbackFailure.IssuerMismatch);
            }
        }

        if (!StringValues.IsNullOrEmpty(Request.Query["error"]))
        {
            Logger.CallbackReceivedError(ProviderText.Code(Request.Query["error"].ToString()) ?? "unknown");
        }
        else if (!StringValues.IsNullOrEmpty(Request.Query["code"]))
        {
            Logger.CallbackReceivedCode();
        }
        properties.Items.Remove(StartedItem);
        return true;
    }

    /// <summary>The one token request (RFC 6749 section 4.1.3) over <c>Backchannel</c>, its answer checked strictly.</summary>
    /// <param name="context">The code, the redirect URI and the state's properties (with the PKCE verifier).</param>
    /// <returns>The tokens, or a failure the callback's page names.</returns>
    protected override async Task<OAuthTokenResponse> ExchangeCodeAsync(OAuthCodeExchangeContext context)
    {
        using var activity = AgilePlannerTelemetry.ActivitySource.StartActivity("agileplanner.token.exchange");
        context.Properties.Items.Remove(OAuthConstants.CodeVerifierKey, out var codeVerifier);
        var result = await Context.RequestServices.GetRequiredService<AgilePlannerTokenClient>().RedeemCodeAsync(
            AgilePlannerEndpoints.ForBackchannel(_provider?.TokenEndpoint ?? Options.TokenEndpoint, Context)!, Options, context.Code, context.RedirectUri, codeVerifier, Context.RequestAborted);
        if (!result.Succeeded)
        {
            activity?.SetStatus(System.Diagnostics.ActivityStatusCode.Error, result.Failure.ToString());
            return OAuthTokenResponse.Failed(new CallbackFailedException(CallbackFailure.TokenExchangeFailed, "The token endpoint did not exchange the code.")
            {
                TokenFailure = result.Failure,
                Error = result.ErrorCode,
                ErrorDescription = result.ErrorDescription,
            });
        }

        var tokens = result.Tokens!;
        var granted = tokens.Scope ?? FormatScope(context.Properties.GetParameter<ICollection<string>>(OAuthChallengeProperties.ScopeKey) ?? Options.Scope);
        context.Properties.Items[AgilePlannerAuthenticationDefaults.PublicOriginItem] = $"{Request.Scheme}://{Request.Host.ToUriComponent()}";
        context.Properties.Parameters.Remove(OAuthChallengeProperties.ScopeKey);
        return OAuthTokenResponse.Success(JsonDocument.Parse(JsonSerializer.SerializeToUtf8Bytes(new Dictionary<string, string?>
        {
            ["access_token"] = tokens.AccessToken,
            ["refresh_token"] = tokens.RefreshToken,
            ["token_type"] = tokens.TokenType,
            ["expires_in"] = tokens.ExpiresIn?.ToString(CultureInfo.InvariantCulture),
            ["scope"] = granted,
        })));
    }

    /// <summary>
    /// Names the user from <c>GET /me</c> (the user information endpoint) over <c>Backchannel</c>, through <c>ClaimActions</c> and
    /// <c>OnCreatingTicket</c>; the session still works without it.
    /// </summary>
    /// <param name="identity">The identity to fill.</param>
    /// <param name="properties">The session's properties.</param>
    /// <param name="tokens">The token answer.</param>
    /// <returns>The ticket.</returns>
    protected override async Task<AuthenticationTicket> CreateTicketAsync(ClaimsIdentity identity, AuthenticationProperties properties, OAuthTokenResponse tokens)
    {
        var granted = tokens.Response?.RootElement.GetProperty("scope").GetString() ?? string.Empty;
        if (Options.SaveTokens)
        {
            List<AuthenticationToken> saved = [.. properties.GetTokens().Where(t => t.Name != SessionTokenNames.Scope), new AuthenticationToken { Name = SessionTokenNames.Scope, Value = granted }];
            if (long.TryParse(tokens.ExpiresIn, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds))
            {
                saved.Add(SessionTokenNames.RefreshAtToken(TimeProvider.GetUtcNow(), seconds));
            }
            properties.StoreTokens(saved);
        }

        using var user = await ReadUserAsync(tokens.AccessToken!);
        var context = new OAuthCreatingTicketContext(new ClaimsPrincipal(identity), properties, Context, Scheme, Options, Backchannel, tokens, user?.RootElement ?? default);
        if (user is not null)
        {
            context.RunClaimActions();
            Clean(identity);
        }
        await Events.CreatingTicket(context);
        Logger.SignedIn(granted);
        return new AuthenticationTicket(context.Principal!, context.Properties, Scheme.Name);
    }

    private async Task<JsonDocument?> ReadUserAsync(string accessToken)
    {
        if (AgilePlannerEndpoints.ForBackchannel(Options.UserInformationEndpoint, Context) is not { } endpoint)
        {
            return null;
        }
        var path = new Uri(endpoint).AbsolutePath;
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, endpoint);
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", accessToken);
            request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
            using var response = await Backchannel.SendAsync(request, Context.RequestAborted);
            if (!response.IsSuccessStatusCode)
            {
                Logger.UserInformationFailed(path, ((int)response.StatusCode).ToString(CultureInfo.InvariantCulture));
                return null;
            }
            var document = await JsonDocument.ParseAsync(await response.Content.ReadAsStreamAsync(Context.RequestAborted), cancellationToken: Context.RequestAborted);
            if (document.RootElement.ValueKind == JsonValueKind.Object)
            {
                return document;
            }
            document.Dispose();
            Logger.UserInformationFailed(path, "not a JSON object");
            return null;
        }
        catch (Exception exception) when (exception is HttpRequestException or JsonException
            || (exception is TaskCanceledException && !Context.RequestAborted.IsCancellationRequested))
        {
            Logger.UserInformationFailed(path, exception.GetType().Name);
            return null;
        }
    }

    /// <summary>Claims from the provider's JSON, made safe to show: printable, at most 200 characters, empty ones dropped.</summary>
    private void Clean(ClaimsIdentity identity)
    {
        foreach (var claim in identity.Claims.Where(c => c.Issuer == ClaimsIssuer).ToList())
        {
            identity.RemoveClaim(claim);
            if (ProviderText.Clean(claim.Value, 200) is { } text)
            {
                identity.AddClaim(new Claim(claim.Type, text, claim.ValueType, claim.Issuer));
            }
        }
    }

    /// <summary>The framework's check, with a missing or altered cookie logged as the expected refusal it is (Information).</summary>
    private bool ConsumeCorrelationCookie(AuthenticationProperties properties)
    {
        if (!properties.Items.Remove(CorrelationProperty, out var correlationId) || string.IsNullOrEmpty(correlationId))
        {
            Logger.CorrelationCookieRefused("the state names none");
            return false;
        }

        var cookieName = Options.CorrelationCookie.Name + correlationId;
        var cookie = Request.Cookies[cookieName];
        if (string.IsNullOrEmpty(cookie))
        {
            Logger.CorrelationCookieRefused("not sent");
            return false;
        }

        Response.Cookies.Delete(cookieName, Options.CorrelationCookie.Build(Context, TimeProvider.GetUtcNow()));
        if (!string.Equals(cookie, CorrelationMarker, StringComparison.Ordinal))
        {
            Logger.CorrelationCookieRefused("altered");
            return false;
        }
        return true;
    }

    private bool Refused(CallbackFailure failure)
    {
        _refusal = failure;
        return false;
    }

    /// <summary>The base class's failures, as the typed failure each one is.</summary>
    private HandleRequestResult Typed(HandleRequestResult result)
    {
        var query = Request.Query;
        if (_refusal is { } refusal)
        {
            return Refuse(refusal, refusal switch
            {
                CallbackFailure.AttemptExpired => "The sign-in attempt expired.",
                CallbackFailure.IssuerMismatch => "The callback's iss did not name the configured issuer.",
                _ => "The sign-in was not started in this browser or was already completed.",
            }, result.Properties);
        }

        if (!StringValues.IsNullOrEmpty(query["error"]))
        {
            var code = ProviderText.Code(query["error"].ToString()) ?? "unknown";
            return HandleRequestResult.Fail(
                new CallbackFailedException(code == "access_denied" ? CallbackFailure.AccessDenied : CallbackFailure.ProviderError, "The provider answered the authorization request with an error.")
                {
                    Error = code,
                    ErrorDescription = ProviderText.Description(query["error_description"].ToString()),
                    ErrorUri = ProviderText.Uri(query["error_uri"].ToString()),
                },
                result.Properties);
        }

        return Refuse(CallbackFailure.CodeMissing, "The callback carried neither a code nor an error.", result.Properties);
    }

    private HandleRequestResult Refuse(CallbackFailure failure, string message, AuthenticationProperties? properties)
    {
        // A missing correlation cookie is already logged, as the expected refusal it is.
        if (failure != CallbackFailure.AttemptUnknown)
        {
            Logger.CallbackRefused(failure);
        }
        return HandleRequestResult.Fail(new CallbackFailedException(failure, message), properties);
    }
}
