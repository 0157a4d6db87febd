using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.RateLimiting;

namespace AgilePlanner.Sandbox.Hosting;

/// <summary>
/// Limits sign-in posts, token and revocation requests and API calls per client address (ASP.NET Core's rate
/// limiter). Installed first in the pipeline by a startup filter, because the token endpoint is answered by
/// OpenIddict inside authentication, before any routed endpoint.
/// </summary>
public sealed class SandboxRateLimiting(SandboxRateLimits limits) : IStartupFilter
{
    private static readonly TimeSpan Window = TimeSpan.FromMinutes(1);

    public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
    {
        app.UseRateLimiter(new RateLimiterOptions
        {
            GlobalLimiter = PartitionedRateLimiter.Create<HttpContext, string>(Partition),
            OnRejected = RejectAsync,
        });
        next(app);
    };

    private RateLimitPartition<string> Partition(HttpContext context)
    {
        var (bucket, permits) = Classify(context.Request);
        if (bucket is null)
        {
            return RateLimitPartition.GetNoLimiter("none");
        }

        var client = context.Connection.RemoteIpAddress?.ToString() ?? "unknown";
        return RateLimitPartition.GetFixedWindowLimiter($"{bucket}:{client}", _ => new FixedWindowRateLimiterOptions
        {
            PermitLimit = Math.Max(1, permits),
            Window = Window,
            QueueLimit = 0,
        });
    }

    private (string? Bucket, int Permits) Classify(HttpRequest request)
    {
        var path = request.Path;
        if (path.StartsWithSegments("/sandbox/api"))
        {
            return ("api", limits.ApiPerMinute);
        }
        if (path.StartsWithSegments("/sandbox/oauth/token") || path.StartsWithSegments("/sandbox/oauth/revoke"))
        {
            return ("token", limits.TokenPerMinute);
        }
        if (HttpMethods.IsPost(request.Method)
            && (path.StartsWithSegments("/sandbox/signin") || path.StartsWithSegments("/sandbox/signup")))
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
        if (rejected.HttpContext.Request.Path.StartsWithSegments("/sandbox/api")
            || rejected.HttpContext.Request.Path.StartsWithSegments("/sandbox/oauth"))
        {
            await response.WriteAsJsonAsync(new { error = "rate_limited", message }, cancellationToken);
        }
        else
        {
            response.ContentType = "text/plain; charset=utf-8";
            await response.WriteAsync(message, cancellationToken);
        }
    }
}
