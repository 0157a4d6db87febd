namespace AgilePlanner.Sandbox.Hosting;

/// <summary>The sandbox's page for a form sent too often: how many seconds to wait, as <c>Retry-After</c> says.</summary>
internal sealed record TooManyRequestsModel(string RetryAfterSeconds);
