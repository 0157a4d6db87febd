namespace AgilePlanner.WebApp.Flow;

/// <summary>What the flow page shows: the record (null when this browser has none) and how long records are kept.</summary>
public sealed record FlowPage(FlowRecord? Record, TimeSpan Lifetime)
{
    /// <summary>True while this browser is connected with a refresh token: the "expire now" button is offered.</summary>
    public bool CanExpireAccessToken { get; init; }

    public DateTimeOffset? AccessTokenExpiresAt { get; init; }

    /// <summary>Milliseconds from the first step to this one.</summary>
    public double OffsetMs(FlowStep step) => Record is null ? 0 : (step.At - Record.StartedAt).TotalMilliseconds;

    /// <summary>True or false when the step sent a code_verifier and the record knows the challenge; null otherwise.</summary>
    public bool? VerifierMatches(FlowStep step) =>
        step.CodeVerifierHash is null || Record?.CodeChallenge is null ? null : step.CodeVerifierHash == Record.CodeChallenge;
}
