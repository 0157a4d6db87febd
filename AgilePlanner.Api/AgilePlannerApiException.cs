using System.Net;

namespace AgilePlanner.Api;

/// <summary>
/// A call to Agile Planner's API that did not succeed. The message is fixed text; what the API said is in the properties,
/// already cleaned by <see cref="ProviderText"/>, so it can be logged or shown.
/// </summary>
/// <param name="failure">What went wrong, in the terms an app shows.</param>
/// <param name="message">A fixed description, safe to log.</param>
public sealed class AgilePlannerApiException(AgilePlannerApiFailure failure, string message) : Exception(message)
{
    /// <summary>What went wrong, in the terms an app shows.</summary>
    public AgilePlannerApiFailure Failure { get; } = failure;

    /// <summary>The HTTP status of the answer, when there was one.</summary>
    public HttpStatusCode? StatusCode { get; init; }

    /// <summary>The <c>error</c> of the API's JSON error body, such as <c>not_found</c> or <c>validation_failed</c>.</summary>
    public string? Error { get; init; }

    /// <summary>The <c>error</c> of the answer's <c>WWW-Authenticate: Bearer</c> challenge (RFC 6750 section 3), such as <c>invalid_token</c>.</summary>
    public string? AuthenticateError { get; init; }

    /// <summary>For <see cref="AgilePlannerApiFailure.InsufficientScope"/>: the scope the API asked for, from <c>WWW-Authenticate</c>.</summary>
    public string? RequiredScope { get; init; }

    /// <summary>The <c>message</c> of the API's JSON error body.</summary>
    public string? ApiMessage { get; init; }
}
