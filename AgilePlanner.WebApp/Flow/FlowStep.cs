namespace AgilePlanner.WebApp.Flow;

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
