using System.Globalization;
using System.Net.Http.Headers;
using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using AgilePlanner.WebApp.Security;
using AgilePlanner.WebApp.Session;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.OAuth;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Primitives;

namespace AgilePlanner.WebApp.Authentication;

/// <summary>
/// The OAuth 2 authorization code flow with Agile Planner: builds the authorize URL (PKCE S256), and on the callback
/// checks state, browser binding, age and issuer before the one token request, then reads <c>GET /me</c> for the user's name.
/// </summary>
public sealed class AgilePlannerAuthenticationHandler(
    IOptionsMonitor<AgilePlannerAuthenticationOptions> options,
    ILoggerFactory loggerFactory,
    UrlEncoder encoder,
    AgilePlannerTokenClient tokenClient,
    IHttpClientFactory httpClientFactory)
    : OAuthHandler<AgilePlannerAuthenticationOptions>(options, loggerFactory, encoder)
{
    /// <summary>When the sign-in was started, kept inside the protected state.</summary>
    private const string StartedItem = ".agileplanner.started";

    private const string CodeVerifierItem = "code_verifier";

    // The names the framework's GenerateCorrelationId writes (RemoteAuthenticationHandler keeps them private).
    private const string CorrelationProperty = ".xsrf";
    private const string CorrelationMarker = "N";

    protected override string BuildChallengeUrl(AuthenticationProperties properties, string redirectUri)
    {
        var scopes = properties.GetParameter<ICollection<string>>(OAuthChallengeProperties.ScopeKey) ?? Options.Scope;
        var parameters = new Dictionary<string, string?>
        {
            ["response_type"] = "code",
            ["client_id"] = Options.ClientId,
            ["redirect_uri"] = redirectUri,
            ["scope"] = FormatScope(scopes),
        };

        if (Options.UsePkce)
        {
            // RFC 7636: the verifier stays inside the encrypted state; only its S256 hash goes to the provider.
            var verifier = WebEncoders.Base64UrlEncode(RandomNumberGenerator.GetBytes(32));
            properties.Items[CodeVerifierItem] = verifier;
            parameters["code_challenge"] = WebEncoders.Base64UrlEncode(SHA256.HashData(Encoding.ASCII.GetBytes(verifier)));
            parameters["code_challenge_method"] = OAuthConstants.CodeChallengeMethodS256;
        }

        properties.Items[StartedItem] = TimeProvider.GetUtcNow().ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        parameters["state"] = Options.StateDataFormat.Protect(properties);

        var endpoint = AgilePlannerEndpoints.Authorization(Options, Request);
        Logger.RedirectingToAuthorization(endpoint, string.Join(' ', scopes), Options.UsePkce);
        return QueryHelpers.AddQueryString(endpoint, parameters);
    }

    protected override async Task<HandleRequestResult> HandleRemoteAuthenticateAsync()
    {
        var query = Request.Query;

        // RFC 6749 section 10.12 and RFC 9700 section 4.7: the state must be ours and bound to this browser,
        // and it is checked before anything else, error answers included.
        var state = query["state"];
        if (StringValues.IsNullOrEmpty(state))
        {
            return Refuse(CallbackFailure.StateMissing, "The callback carried no state.", properties: null);
        }

        var properties = state.Count == 1 ? Options.StateDataFormat.Unprotect(state.ToString()) : null;
        if (properties is null || !properties.Items.TryGetValue(StartedItem, out var started)
            || !long.TryParse(started, NumberStyles.None, CultureInfo.InvariantCulture, out var startedAt))
        {
            return Refuse(CallbackFailure.StateInvalid, "The callback's state was not issued by this app.", properties: null);
        }

        // Always consumed, so an answer can be used once only.
        var boundToThisBrowser = ValidateCorrelationId(properties);
        if (TimeProvider.GetUtcNow() - DateTimeOffset.FromUnixTimeSeconds(startedAt) > Options.RemoteAuthenticationTimeout)
        {
            return Refuse(CallbackFailure.AttemptExpired, "The sign-in attempt expired.", properties);
        }
        if (!boundToThisBrowser)
        {
            return Refuse(CallbackFailure.AttemptUnknown, "The sign-in was not started in this browser or was already completed.", properties);
        }

        // RFC 9207: an answer from another authorization server is refused before any token request.
        var expectedIssuer = AgilePlannerEndpoints.Issuer(Options, Request);
        if (expectedIssuer is not null)
        {
            var iss = query["iss"];
            if (iss.Count != 1 || !string.Equals(iss.ToString(), expectedIssuer, StringComparison.Ordinal))
            {
                return Refuse(CallbackFailure.IssuerMismatch, "The callback's iss did not name the configured issuer.", properties);
            }
        }

        var error = query["error"];
        if (!StringValues.IsNullOrEmpty(error))
        {
            var code = ProviderText.Code(error.ToString()) ?? "unknown";
            Logger.CallbackReceivedError(code);
            var failure = code == "access_denied" ? CallbackFailure.AccessDenied : CallbackFailure.ProviderError;
            return HandleRequestResult.Fail(
                new CallbackFailedException(failure, "The provider answered the authorization request with an error.")
                {
                    Error = code,
                    ErrorDescription = ProviderText.Description(query["error_description"].ToString()),
                    ErrorUri = ProviderText.Uri(query["error_uri"].ToString()),
                },
                properties);
        }

        var authorizationCode = query["code"];
        if (authorizationCode.Count != 1 || string.IsNullOrEmpty(authorizationCode.ToString()))
        {
            return Refuse(CallbackFailure.CodeMissing, "The callback carried neither a code nor an error.", properties);
        }

        Logger.CallbackReceivedCode();
        properties.Items.Remove(CodeVerifierItem, out var codeVerifier);
        properties.Items.Remove(StartedItem);

        // RFC 6749 section 4.1.3: the redirect_uri is exactly the one sent to the authorization endpoint.
        var result = await tokenClient.RedeemCodeAsync(
            AgilePlannerEndpoints.Token(Options, Request), Options, authorizationCode.ToString(), BuildRedirectUri(Options.CallbackPath), codeVerifier, Context.RequestAborted);
        if (!result.Succeeded)
        {
            return HandleRequestResult.Fail(
                new CallbackFailedException(CallbackFailure.TokenExchangeFailed, "The token endpoint did not exchange the code.")
                {
                    TokenFailure = result.Failure,
                    Error = result.ErrorCode,
                    ErrorDescription = result.ErrorDescription,
                },
                properties);
        }

        var tokens = result.Tokens!;
        properties.Items[AgilePlannerAuthenticationDefaults.PublicOriginItem] = $"{Request.Scheme}://{Request.Host.ToUriComponent()}";
        var grantedScopes = tokens.Scope ?? FormatScope(properties.GetParameter<ICollection<string>>(OAuthChallengeProperties.ScopeKey) ?? Options.Scope);
        properties.Parameters.Remove(OAuthChallengeProperties.ScopeKey);
        if (Options.SaveTokens)
        {
            properties.StoreTokens(SessionTokenNames.ToAuthenticationTokens(tokens, grantedScopes, TimeProvider.GetUtcNow()));
        }

        var identity = new ClaimsIdentity(ClaimsIssuer);
        await AddUserClaimsAsync(identity, tokens.AccessToken);
        Logger.SignedIn(grantedScopes);
        return HandleRequestResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), properties, Scheme.Name));
    }

    /// <summary>Names the user from <c>GET /me</c>; the session still works without it.</summary>
    private async Task AddUserClaimsAsync(ClaimsIdentity identity, string accessToken)
    {
        var me = new Uri(AgilePlannerEndpoints.Api(Options, Request), "me");
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, me);
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", accessToken);
            request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
            using var response = await httpClientFactory.CreateClient(AgilePlannerHttpClients.Api).SendAsync(request, Context.RequestAborted);
            if (!response.IsSuccessStatusCode)
            {
                Logger.ApiCallFailed("GET", me.AbsolutePath, (int)response.StatusCode);
                return;
            }

            using var json = await JsonDocument.ParseAsync(await response.Content.ReadAsStreamAsync(Context.RequestAborted), cancellationToken: Context.RequestAborted);
            AddClaim(identity, json.RootElement, "id", ClaimTypes.NameIdentifier);
            AddClaim(identity, json.RootElement, "name", ClaimTypes.Name);
            AddClaim(identity, json.RootElement, "email", ClaimTypes.Email);
        }
        catch (Exception exception) when (exception is HttpRequestException or JsonException or Polly.Timeout.TimeoutRejectedException
            or Polly.CircuitBreaker.BrokenCircuitException or TaskCanceledException && !Context.RequestAborted.IsCancellationRequested)
        {
            Logger.ApiUnavailable("GET", me.AbsolutePath, exception.GetType().Name);
        }
    }

    private void AddClaim(ClaimsIdentity identity, JsonElement root, string property, string claimType)
    {
        if (root.ValueKind == JsonValueKind.Object && root.TryGetProperty(property, out var value)
            && value.ValueKind is JsonValueKind.String or JsonValueKind.Number)
        {
            var text = ProviderText.Clean(value.ToString(), 200);
            if (text is not null)
            {
                identity.AddClaim(new Claim(claimType, text, ClaimValueTypes.String, ClaimsIssuer));
            }
        }
    }

    /// <summary>
    /// The framework's check, logged as the expected refusal it is (Information): a missing or altered correlation cookie is a
    /// stale tab or a replayed callback, not a fault of the app, and the user gets the "attempt unknown" page.
    /// </summary>
    protected override bool ValidateCorrelationId(AuthenticationProperties properties)
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

    private HandleRequestResult Refuse(CallbackFailure failure, string message, AuthenticationProperties? properties)
    {
        // A missing correlation cookie is already logged, as the expected refusal it is, by ValidateCorrelationId.
        if (failure != CallbackFailure.AttemptUnknown)
        {
            Logger.CallbackRefused(failure);
        }
        return HandleRequestResult.Fail(new CallbackFailedException(failure, message), properties);
    }
}
