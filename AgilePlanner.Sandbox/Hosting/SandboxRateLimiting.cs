using System.Security.Cryptography;
using System.Text;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.Abstractions;
using Microsoft.AspNetCore.Mvc.ModelBinding;
using Microsoft.AspNetCore.Mvc.ViewFeatures;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.AspNetCore.Routing;

namespace AgilePlanner.Sandbox.Hosting;

/// <summary>
/// Limits sign-in posts and token and revocation requests per client address, and API calls per access token under a
/// ceiling per client address (ASP.NET Core's rate limiter): every user of a web app shares that app's address, so a
/// per-address API limit alone would make them share one allowance. A global limiter placed before authentication,
/// because the token endpoint is answered by OpenIddict inside authentication, before any routed endpoint. Counted in
/// each instance's memory (see <see cref="SandboxRateLimits"/>).
/// </summary>
internal sealed class SandboxRateLimiting(SandboxRateLimits limits)
{
    private static readonly TimeSpan Window = TimeSpan.FromMinutes(1);

    public RateLimiterOptions Options() => new()
    {
        GlobalLimiter = PartitionedRateLimiter.CreateChained(
            PartitionedRateLimiter.Create<HttpContext, string>(Partition),
            PartitionedRateLimiter.Create<HttpContext, string>(AddressCeiling)),
        OnRejected = RejectAsync,
    };

    private RateLimitPartition<string> Partition(HttpContext context)
    {
        var (bucket, permits) = Classify(context.Request);
        if (bucket is null)
        {
            return RateLimitPartition.GetNoLimiter("none");
        }

        var client = bucket == "api" && BearerToken(context.Request) is { } token ? "token:" + token : Address(context);
        return PerMinute($"{bucket}:{client}", permits);
    }

    private RateLimitPartition<string> AddressCeiling(HttpContext context) =>
        context.Request.Path.StartsWithSegments("/sandbox/api", StringComparison.OrdinalIgnoreCase)
            ? PerMinute("api-address:" + Address(context), limits.ApiPerMinutePerAddress)
            : RateLimitPartition.GetNoLimiter("none");

    private static RateLimitPartition<string> PerMinute(string key, int permits) =>
        RateLimitPartition.GetFixedWindowLimiter(key, _ => new FixedWindowRateLimiterOptions
        {
            PermitLimit = Math.Max(1, permits),
            Window = Window,
            QueueLimit = 0,
        });

    private static string Address(HttpContext context) => context.Connection.RemoteIpAddress?.ToString() ?? "unknown";

    /// <summary>A hash of the bearer token names its partition, so the limiter never holds a usable token.</summary>
    private static string? BearerToken(HttpRequest request)
    {
        var authorization = request.Headers.Authorization.ToString();
        return authorization.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) && authorization.Length > "Bearer ".Length
            ? Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(authorization["Bearer ".Length..].Trim())))
            : null;
    }

    private (string? Bucket, int Permits) Classify(HttpRequest request)
    {
        var path = request.Path;
        if (path.StartsWithSegments("/sandbox/api", StringComparison.OrdinalIgnoreCase))
        {
            return ("api", limits.ApiPerMinute);
        }
        if (path.StartsWithSegments("/sandbox/oauth/token", StringComparison.OrdinalIgnoreCase) || path.StartsWithSegments("/sandbox/oauth/revoke", StringComparison.OrdinalIgnoreCase) || path.StartsWithSegments("/sandbox/oauth/par", StringComparison.OrdinalIgnoreCase))
        {
            return ("token", limits.TokenPerMinute);
        }
        if (HttpMethods.IsPost(request.Method)
            && (path.StartsWithSegments("/sandbox/signin", StringComparison.OrdinalIgnoreCase) || path.StartsWithSegments("/sandbox/signup", StringComparison.OrdinalIgnoreCase)))
        {
            return ("signin", limits.SignInPerMinute);
        }
        return (null, 0);
    }

    private static async ValueTask RejectAsync(OnRejectedContext rejected, CancellationToken cancellationToken)
    {
        var response = rejected.HttpContext.Response;
        var retryAfter = rejected.Lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) ? wait : Window;
        response.StatusCode = StatusCodes.Status429TooManyRequests;
        response.Headers.RetryAfter = Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds)).ToString(System.Globalization.CultureInfo.InvariantCulture);
        response.Headers.CacheControl = "no-store";

        const string message = "Too many requests. Wait a moment and try again.";
        if (rejected.HttpContext.Request.Path.StartsWithSegments("/sandbox/api", StringComparison.OrdinalIgnoreCase)
            || rejected.HttpContext.Request.Path.StartsWithSegments("/sandbox/oauth", StringComparison.OrdinalIgnoreCase))
        {
            await response.WriteAsJsonAsync(new { error = "rate_limited", message }, cancellationToken);
        }
        else
        {
            // A page in the sandbox's style, with its headers, for the people filling its forms.
            SandboxPageHeaders.Apply(rejected.HttpContext);
            var view = new ViewResult
            {
                ViewName = "/Shared/TooManyRequests.cshtml",
                StatusCode = StatusCodes.Status429TooManyRequests,
                ViewData = new ViewDataDictionary<TooManyRequestsModel>(new EmptyModelMetadataProvider(), new ModelStateDictionary())
                {
                    Model = new TooManyRequestsModel(response.Headers.RetryAfter.ToString()),
                },
            };
            await view.ExecuteResultAsync(new ActionContext(rejected.HttpContext, rejected.HttpContext.GetRouteData(), new ActionDescriptor()));
        }
    }
}
