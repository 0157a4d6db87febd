namespace AgilePlanner.AspNetCore;

/// <summary>What the revocation endpoint made of a sign-out's tokens (RFC 7009).</summary>
public enum RevocationOutcome
{
    /// <summary>There was nothing to revoke: no session, or no revocation endpoint.</summary>
    NotAttempted,

    /// <summary>Every token was revoked (a 2xx: revoked, or not valid anyway).</summary>
    Confirmed,

    /// <summary>An error answer (unsupported_token_type, invalid_client, 5xx...).</summary>
    Refused,

    /// <summary>No answer within the back-channel timeout, or no connection.</summary>
    NoAnswer,
}
