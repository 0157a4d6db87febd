namespace AgilePlanner.Api;

/// <summary>Why an API call could not give the caller what it asked for; an app shows each its own way.</summary>
public enum AgilePlannerApiFailure
{
    /// <summary>No access token: the user has not connected (the token source had none).</summary>
    NotConnected,

    /// <summary>401: the API kept refusing the token after one refresh and retry.</summary>
    ConnectionExpired,

    /// <summary>The provider no longer accepts the connection (revoked, app deleted, secret rotated): connect again.</summary>
    AccessRevoked,

    /// <summary>403 <c>insufficient_scope</c>: the token lacks a scope the call needs (<see cref="AgilePlannerApiException.RequiredScope"/>).</summary>
    InsufficientScope,

    /// <summary>404: no such resource, or not visible to this user.</summary>
    NotFound,

    /// <summary>400 or 422: the API refused the input (<see cref="AgilePlannerApiException.ApiMessage"/>).</summary>
    Rejected,

    /// <summary>5xx, 429, a timeout, an open circuit, an unreadable answer or no connection.</summary>
    Unavailable,
}
