namespace AgilePlanner.WebApp.Flow;

/// <summary>
/// What one browser's last connection looked like on the wire, step by step, already masked.
/// Kept server side (<see cref="FlowRecorder"/>) and shown only to the browser holding its id.
/// </summary>
public sealed class FlowRecord
{
    public DateTimeOffset StartedAt { get; set; }

    public List<FlowStep> Steps { get; set; } = [];

    /// <summary>API calls left out to keep the record small (the oldest go first).</summary>
    public int DroppedSteps { get; set; }

    /// <summary>The PKCE challenge sent in the authorize step, to show that the verifier sent later hashes to it.</summary>
    public string? CodeChallenge { get; set; }
}

public enum FlowStepKind
{
    Authorize,
    Callback,
    TokenRequest,
    TokenResponse,
    ApiCall,
    Refresh,
    Revocation,
    Failure,
}

/// <summary>One thing that happened: a redirect, a back-channel request and its answer, or a failure.</summary>
public sealed class FlowStep
{
    public FlowStepKind Kind { get; set; }

    public string Title { get; set; } = string.Empty;

    public DateTimeOffset At { get; set; }

    /// <summary>How long the step took on the wire; null for browser redirects the app only sees one end of.</summary>
    public double? DurationMs { get; set; }

    /// <summary>True when this step is where something went wrong.</summary>
    public bool Failed { get; set; }

    /// <summary>A sentence saying what this particular step's outcome was (refused, denied, rotated...).</summary>
    public string? Outcome { get; set; }

    /// <summary>The parameters of a redirect (authorize URL, callback query), each with what it is for.</summary>
    public List<FlowParameter> Parameters { get; set; } = [];

    public FlowHttpMessage? Request { get; set; }

    public FlowHttpMessage? Response { get; set; }

    /// <summary>
    /// For a token request that carried a PKCE code_verifier: the verifier's S256 hash, which is public like the
    /// challenge, so the page can show that it equals the authorize step's code_challenge.
    /// </summary>
    public string? CodeVerifierHash { get; set; }

    /// <summary>Facts worth pointing out (the verifier matched the challenge, a body was cut short...).</summary>
    public List<string> Notes { get; set; } = [];
}

public sealed class FlowParameter
{
    public string Name { get; set; } = string.Empty;

    public string Value { get; set; } = string.Empty;

    public string Explanation { get; set; } = string.Empty;
}

/// <summary>A request or a response as it crossed the wire, with every secret masked.</summary>
public sealed class FlowHttpMessage
{
    public string? Method { get; set; }

    public string? Url { get; set; }

    public int? Status { get; set; }

    public string? Reason { get; set; }

    public List<KeyValuePair<string, string>> Headers { get; set; } = [];

    /// <summary>A form body's fields, decoded and masked, with what each is for.</summary>
    public List<FlowParameter> Form { get; set; } = [];

    /// <summary>The body as text: indented JSON, a masked form, or plain text; cut to the configured size.</summary>
    public string? Body { get; set; }

    public bool BodyIsJson { get; set; }

    public bool BodyTruncated { get; set; }

    /// <summary>The body's size in bytes as sent or received.</summary>
    public long BodyBytes { get; set; }
}
