using System.Buffers.Text;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http;

namespace AgilePlanner.WebApp.Flow;

/// <summary>Turns what the app sees (a redirect URL, a callback query, a back-channel exchange) into masked, size-capped steps.</summary>
public static class FlowSteps
{
    private const string CodeVerifierItem = "code_verifier";

    private const int MaxJsonChars = 64 * 1024;

    /// <summary>Step 1: the authorize URL the browser is sent to, parameter by parameter.</summary>
    public static FlowStep Authorize(string authorizeUrl, AuthenticationProperties? properties, DateTimeOffset at, FlowInspectorOptions options)
    {
        var question = authorizeUrl.IndexOf('?');
        var query = question < 0 ? string.Empty : authorizeUrl[(question + 1)..];
        var step = new FlowStep
        {
            Kind = FlowStepKind.Authorize,
            Title = "Authorize request: the browser is sent to Agile Planner",
            At = at,
            Parameters = Parameters(query, Masking.RedirectSecretNames, options),
            Request = new FlowHttpMessage { Method = "GET", Url = Cut(Masking.MaskUrl(authorizeUrl, Masking.RedirectSecretNames), options.MaxBodyChars).Text },
        };
        if (properties?.Items.TryGetValue(CodeVerifierItem, out var verifier) == true && verifier is not null)
        {
            step.Notes.Add($"The app keeps the PKCE code_verifier ({Masking.Mask(verifier)}) to itself, inside its encrypted correlation state; only its hash travels in this URL.");
        }
        return step;
    }

    public const string PushTitle = "Pushed authorization request: the app's server posts the request to Agile Planner";

    /// <summary>
    /// RFC 9126: the authorization request posted on the back channel (client authenticated, secrets masked), and the
    /// <c>request_uri</c> and <c>expires_in</c> it was answered with.
    /// </summary>
    public static FlowStep Push(FlowHttpMessage sent, FlowHttpMessage received, DateTimeOffset at, double durationMs, bool failed)
    {
        // The pushed form carries what an authorize URL carries (state included): masked as the redirect's parameters are.
        if (sent.Body is { } pushedBody)
        {
            sent.Body = Masking.MaskFormEncoded(pushedBody, Masking.RedirectSecretNames);
        }
        foreach (var field in sent.Form.Where(f => Masking.RedirectSecretNames.Contains(f.Name)))
        {
            field.Value = Masking.Mask(field.Value);
        }
        var step = new FlowStep
        {
            Kind = FlowStepKind.PushedAuthorization,
            Title = PushTitle,
            At = at,
            DurationMs = durationMs,
            Request = sent,
            Response = received,
            Failed = failed,
        };
        string? requestUri = null;
        int? expiresIn = null;
        if (!failed && received.BodyIsJson && received.Body is { } body)
        {
            try
            {
                using var json = System.Text.Json.JsonDocument.Parse(body);
                if (json.RootElement.ValueKind == System.Text.Json.JsonValueKind.Object)
                {
                    requestUri = json.RootElement.TryGetProperty("request_uri", out var uri) && uri.ValueKind == System.Text.Json.JsonValueKind.String ? uri.GetString() : null;
                    expiresIn = json.RootElement.TryGetProperty("expires_in", out var expires) && expires.TryGetInt32(out var seconds) ? seconds : null;
                }
            }
            catch (System.Text.Json.JsonException)
            {
                // Shown as the body it is.
            }
        }
        step.Outcome = requestUri is not null
            ? $"Agile Planner kept the request and answered request_uri={Cut(requestUri, 200).Text}, usable once for expires_in={expiresIn?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "?"} s. The browser's authorize URL carries only client_id and this request_uri."
            : "Agile Planner did not accept the pushed request, so the browser was not sent anywhere.";
        if (requestUri is not null)
        {
            step.Parameters =
            [
                new FlowParameter { Name = "request_uri", Value = Cut(requestUri, 200).Text, Explanation = FlowExplanations.ForParameter("request_uri") },
                new FlowParameter { Name = "expires_in", Value = expiresIn?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "?", Explanation = FlowExplanations.ForParameter("request_expires_in") },
            ];
        }
        return step;
    }

    /// <summary>The code_challenge of a pushed request's form, if it had one.</summary>
    public static string? CodeChallengeOf(FlowStep push) => push.Request?.Form.FirstOrDefault(f => f.Name == "code_challenge")?.Value;

    /// <summary>The code_challenge of an authorize URL, if it has one.</summary>
    public static string? CodeChallengeOf(string authorizeUrl)
    {
        var question = authorizeUrl.IndexOf('?');
        return question < 0
            ? null
            : Masking.Pairs(authorizeUrl[(question + 1)..]).FirstOrDefault(p => p.Key == "code_challenge").Value;
    }

    /// <summary>Step 2: what the provider sent back to the callback, before the app acts on it.</summary>
    public static FlowStep Callback(HttpRequest request, DateTimeOffset at, FlowInspectorOptions options)
    {
        var query = request.QueryString.HasValue ? request.QueryString.Value![1..] : string.Empty;
        var pairs = Masking.Pairs(query);
        string? Value(string name) => pairs.FirstOrDefault(p => p.Key == name).Value;

        var error = Value("error");
        var outcome = error switch
        {
            "access_denied" => $"Access was denied (error=access_denied): {Describe(Value("error_description"), options)} No code came back, so there is nothing to exchange.",
            not null => $"The provider answered with error={Cut(error, 64).Text}: {Describe(Value("error_description"), options)}",
            null when Value("code") is not null => "You allowed the app: a code came back, which the app now exchanges at the token endpoint.",
            _ => "Neither a code nor an error came back: this callback is incomplete and the app refuses it.",
        };
        return new FlowStep
        {
            Kind = FlowStepKind.Callback,
            Title = "Callback: Agile Planner sends the browser back",
            At = at,
            Failed = error is not null || Value("code") is null,
            Outcome = outcome,
            Parameters = Parameters(query, Masking.RedirectSecretNames, options),
            Request = new FlowHttpMessage
            {
                Method = request.Method,
                Url = Cut(Masking.MaskUrl(request.Path + request.QueryString, Masking.RedirectSecretNames), options.MaxBodyChars).Text,
            },
        };
    }

    /// <summary>A failure the app ran into (a refused callback, a failed exchange), its message cut and scrubbed.</summary>
    public static FlowStep Failure(string title, string message, DateTimeOffset at, FlowInspectorOptions options, IEnumerable<string>? secrets = null) => new()
    {
        Kind = FlowStepKind.Failure,
        Title = title,
        At = at,
        Failed = true,
        Outcome = Cut(Masking.Scrub(message, secrets ?? []), options.MaxValueChars).Text,
    };

    /// <summary>
    /// A back-channel request as it left the app, masked; <paramref name="secrets"/> collects what must be scrubbed
    /// elsewhere, and a PKCE code_verifier in the form is returned only as its S256 hash.
    /// </summary>
    public static async Task<(FlowHttpMessage Message, string? CodeVerifierHash)> CaptureRequestAsync(
        HttpRequestMessage request, FlowInspectorOptions options, List<string> secrets, CancellationToken cancellationToken)
    {
        var message = new FlowHttpMessage
        {
            Method = request.Method.Method,
            Url = Cut(Masking.MaskUrl(request.RequestUri?.ToString() ?? string.Empty), options.MaxBodyChars).Text,
        };
        if (request.RequestUri is { Query.Length: > 1 } uri)
        {
            secrets.AddRange(Masking.Pairs(uri.Query[1..]).Where(p => Masking.IsSecretName(p.Key)).Select(p => p.Value));
        }
        if (request.Headers.Authorization?.Parameter is { } credentials)
        {
            secrets.Add(credentials);
        }
        message.Headers = Headers(request.Headers, request.Content?.Headers, options);
        if (request.Content is null)
        {
            return (message, null);
        }

        // Buffered so the handler further down still sends the whole body.
        await request.Content.LoadIntoBufferAsync(cancellationToken);
        var text = await request.Content.ReadAsStringAsync(cancellationToken);
        message.BodyBytes = Encoding.UTF8.GetByteCount(text);
        if (request.Content.Headers.ContentType?.MediaType == "application/x-www-form-urlencoded")
        {
            var pairs = Masking.Pairs(text);
            secrets.AddRange(pairs.Where(p => Masking.IsSecretName(p.Key)).Select(p => p.Value));
            message.Form = pairs.Select(p => new FlowParameter
            {
                Name = Cut(p.Key, 64).Text,
                Value = Cut(p.Key == "client_assertion" ? Masking.MaskAssertion(p.Value) : Masking.MaskParameter(p.Key, p.Value), options.MaxValueChars).Text,
                Explanation = FlowExplanations.ForParameter(p.Key),
            }).ToList();
            SetBody(message, Masking.MaskFormEncoded(text), isJson: false, options);
            var verifier = pairs.FirstOrDefault(p => p.Key == "code_verifier").Value;
            return (message, string.IsNullOrEmpty(verifier) ? null : S256(verifier));
        }
        SetText(message, text, secrets, options);
        return (message, null);
    }

    /// <summary>A back-channel response as it came in, masked (tokens in JSON, secrets seen in the request).</summary>
    public static async Task<FlowHttpMessage> CaptureResponseAsync(HttpResponseMessage response, FlowInspectorOptions options, List<string> secrets, CancellationToken cancellationToken)
    {
        var message = new FlowHttpMessage
        {
            Status = (int)response.StatusCode,
            Reason = response.ReasonPhrase,
            Headers = Headers(response.Headers, response.Content.Headers, options),
        };
        var (prefix, complete) = await CapturedContent.CaptureAsync(response, cancellationToken);
        message.BodyBytes = complete ? prefix.Length : response.Content.Headers.ContentLength ?? prefix.Length;
        if (prefix.Length > 0)
        {
            SetText(message, Encoding.UTF8.GetString(prefix), secrets, options);
        }
        if (!complete)
        {
            message.BodyTruncated = true;
            message.BodyIsJson = false;
        }
        return message;
    }

    /// <summary>The S256 hash of a code_verifier, as a code_challenge is computed (RFC 7636 section 4.2).</summary>
    public static string S256(string verifier) => Base64Url.EncodeToString(SHA256.HashData(Encoding.ASCII.GetBytes(verifier)));

    private static void SetText(FlowHttpMessage message, string text, List<string> secrets, FlowInspectorOptions options)
    {
        // Big bodies are shown cut short anyway: they skip the JSON round trip, and their secrets are masked by pattern.
        var json = text.Length <= MaxJsonChars ? Masking.MaskJson(text) : null;
        if (json is null && text.Length > options.MaxBodyChars)
        {
            text = text[..(options.MaxBodyChars + 1)];
        }
        if (json is not null)
        {
            SetBody(message, Masking.Scrub(json, secrets), isJson: true, options);
        }
        else if (LooksFormEncoded(text))
        {
            // Some providers answer token requests form-encoded; mask those the same way.
            SetBody(message, Masking.Scrub(Masking.MaskFormEncoded(text), secrets), isJson: false, options);
        }
        else
        {
            SetBody(message, Masking.MaskSecretPairs(Masking.Scrub(text, secrets)), isJson: false, options);
        }
    }

    private static bool LooksFormEncoded(string text) =>
        text.Length > 0 && !text.Contains(' ') && !text.Contains('<') && text.Contains('=')
        && Masking.Pairs(text).Any(p => Masking.IsSecretName(p.Key));

    private static void SetBody(FlowHttpMessage message, string body, bool isJson, FlowInspectorOptions options)
    {
        var (text, truncated) = Cut(body, options.MaxBodyChars);
        message.Body = text;
        message.BodyIsJson = isJson && !truncated;
        message.BodyTruncated = truncated;
    }

    private static List<FlowParameter> Parameters(string query, IReadOnlySet<string> secretNames, FlowInspectorOptions options) =>
        Masking.MaskedPairs(query, secretNames)
            .Take(50)
            .Select(p => new FlowParameter
            {
                Name = Cut(p.Key, 64).Text,
                Value = Cut(p.Value, options.MaxValueChars).Text,
                Explanation = FlowExplanations.ForParameter(p.Key),
            })
            .ToList();

    private static List<KeyValuePair<string, string>> Headers(HttpHeaders headers, HttpHeaders? contentHeaders, FlowInspectorOptions options)
    {
        var all = headers.NonValidated.AsEnumerable();
        if (contentHeaders is not null)
        {
            all = all.Concat(contentHeaders.NonValidated);
        }
        return all
            .Take(40)
            .Select(h => KeyValuePair.Create(h.Key, Cut(Masking.MaskHeader(h.Key, string.Join(", ", h.Value)), options.MaxValueChars).Text))
            .ToList();
    }

    private static string Describe(string? description, FlowInspectorOptions options) =>
        string.IsNullOrEmpty(description) ? "(no description given)." : $"\"{Cut(description, options.MaxValueChars).Text}\".";

    internal static (string Text, bool Truncated) Cut(string value, int max)
    {
        var clean = string.Create(value.Length, value, (span, source) =>
        {
            for (var i = 0; i < source.Length; i++)
            {
                // Control characters from a hostile provider would only garble the page.
                span[i] = char.IsControl(source[i]) && source[i] is not ('\n' or '\r' or '\t') ? '\uFFFD' : source[i];
            }
        });
        return clean.Length <= max ? (clean, false) : (clean[..max], true);
    }
}
