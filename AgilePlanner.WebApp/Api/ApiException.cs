namespace AgilePlanner.WebApp.Api;

/// <summary>Why an API call could not give the page what it needed; each has its own page.</summary>
public enum ApiFailure
{
    /// <summary>No session: the visitor must connect first.</summary>
    NotConnected,

    /// <summary>The API kept refusing the token after one refresh and retry.</summary>
    ConnectionExpired,

    /// <summary>The provider no longer accepts the connection (revoked, app deleted, secret rotated).</summary>
    AccessRevoked,

    /// <summary>403 insufficient_scope: the token lacks a scope the call needs.</summary>
    InsufficientScope,

    NotFound,

    /// <summary>The API refused the input (400), with its message.</summary>
    Rejected,

    /// <summary>5xx, 429, timeout, open circuit, unreadable answer or no connection.</summary>
    Unavailable,
}

public sealed class ApiException(ApiFailure failure, string message) : Exception(message)
{
    public ApiFailure Failure { get; } = failure;

    /// <summary>For <see cref="ApiFailure.InsufficientScope"/>: the scope the API asked for.</summary>
    public string? RequiredScope { get; init; }

    /// <summary>For <see cref="ApiFailure.Rejected"/>: the API's message, cleaned.</summary>
    public string? ApiMessage { get; init; }
}
