using AgilePlanner.WebApp.Flow;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Caching.Distributed;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Microsoft.Net.Http.Headers;

namespace AgilePlanner.WebApp.Tests.Flow;

/// <summary>A recorder on a store (by default an in-memory cache) and a fake clock, with browsers made of request contexts and a cookie each.</summary>
internal sealed class FlowTestContext
{
    /// <summary>A recorder on the store the app uses by default: the distributed cache, in memory unless one is given.</summary>
    public FlowTestContext(FlowInspectorOptions? options = null, IDistributedCache? cache = null)
        : this(new DistributedCacheFlowRecordStore(
            cache ?? new MemoryDistributedCache(Microsoft.Extensions.Options.Options.Create(new MemoryDistributedCacheOptions())),
            NullLogger<DistributedCacheFlowRecordStore>.Instance), options)
    {
    }

    /// <summary>A recorder on the given store, on the given clock (instances that share a store share a clock).</summary>
    public FlowTestContext(IFlowRecordStore store, FlowInspectorOptions? options = null, FakeTimeProvider? time = null)
    {
        Options = options ?? new FlowInspectorOptions();
        Time = time ?? Time;
        Recorder = new FlowRecorder(store, Time, Microsoft.Extensions.Options.Options.Create(Options));
    }

    public FakeTimeProvider Time { get; } = new(new DateTimeOffset(2026, 3, 2, 9, 0, 0, TimeSpan.Zero));

    public FlowInspectorOptions Options { get; }

    public FlowRecorder Recorder { get; }

    /// <summary>A request from a browser that holds <paramref name="cookie"/> (a Cookie header value) or nothing.</summary>
    public static DefaultHttpContext Request(string? cookie = null, bool https = false)
    {
        var context = new DefaultHttpContext();
        context.Request.Scheme = https ? "https" : "http";
        context.Request.Host = new HostString("localhost");
        if (cookie is not null)
        {
            context.Request.Headers.Cookie = cookie;
        }
        return context;
    }

    /// <summary>The cookie a response set, as the browser will send it back (<c>name=value</c>).</summary>
    public static string CookieSetBy(HttpContext context)
    {
        var setCookie = SetCookieHeaderValue.Parse(context.Response.Headers.SetCookie.Single());
        return $"{setCookie.Name}={setCookie.Value}";
    }

    public static FlowStep Step(FlowStepKind kind, string title = "step") => new() { Kind = kind, Title = title };

    /// <summary>The steps that follow the authorize redirect in a connection: the callback and the token exchange.</summary>
    public static FlowStep[] ConnectionSteps() =>
        [Step(FlowStepKind.Callback, "callback"), Step(FlowStepKind.TokenRequest, "token request"), Step(FlowStepKind.TokenResponse, "token response")];

    /// <summary>Starts a record in a new browser and returns that browser's cookie.</summary>
    public async Task<string> StartAsync(FlowStep? first = null, bool https = false)
    {
        var context = Request(https: https);
        await Recorder.StartAsync(context, first ?? Step(FlowStepKind.Authorize, "authorize"));
        return CookieSetBy(context);
    }
}
