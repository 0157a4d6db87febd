namespace AgilePlanner.AspNetCore;

/// <summary>Why a request to the token endpoint failed.</summary>
public enum TokenFailure
{
    /// <summary>The code or refresh token is invalid, expired, revoked or already used.</summary>
    InvalidGrant,

    /// <summary>The provider did not accept the client's authentication.</summary>
    InvalidClient,

    /// <summary>Another OAuth error code (invalid_request, unauthorized_client...).</summary>
    Rejected,

    /// <summary>An answer that is not the JSON RFC 6749 section 5.1 describes.</summary>
    InvalidResponse,

    /// <summary>A 5xx answer.</summary>
    ServerError,

    /// <summary>No answer within the back-channel timeout.</summary>
    Timeout,

    /// <summary>The provider could not be reached at all.</summary>
    Unreachable,
}
