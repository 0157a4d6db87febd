using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;

namespace AgilePlanner.WebApp.Flow;

/// <summary>
/// Keeps each browser's <see cref="FlowRecord"/> in the <see cref="IFlowRecordStore"/> under a random id that only that
/// browser holds, in an HttpOnly cookie of its own. A new connection starts a new record under a new id.
/// </summary>
public sealed class FlowRecorder(
    IFlowRecordStore store,
    TimeProvider time,
    IOptions<FlowInspectorOptions> options)
{
    public const string CookieName = "AgilePlanner.Flow";

    /// <summary>Over HTTPS the cookie is bound to this exact host and path (RFC 6265bis cookie prefixes).</summary>
    public const string SecureCookieName = "__Host-AgilePlanner.Flow";

    private const int IdBytes = 32;
    private static readonly object CurrentIdKey = new();
    private static readonly object PendingCallbackKey = new();
    private static readonly object PendingPushKey = new();

    public FlowInspectorOptions Options => options.Value;

    /// <summary>Starts a new record for this browser (a new id in a new cookie) with its first step.</summary>
    public async Task StartAsync(HttpContext context, FlowStep firstStep, string? codeChallenge = null)
    {
        var id = Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(IdBytes));
        var now = time.GetUtcNow();
        context.Items[CurrentIdKey] = id;
        context.Response.Cookies.Append(CookieNameFor(context.Request), id, new CookieOptions
        {
            HttpOnly = true,
            // Lax: the cookie must come back on the provider's top-level redirect to the callback.
            SameSite = SameSiteMode.Lax,
            Secure = context.Request.IsHttps,
            Path = "/",
            IsEssential = true,
            MaxAge = Options.Lifetime,
        });
        await store.CreateAsync(RecordKey(id), new FlowRecordStart(now, now + Options.Lifetime, codeChallenge), firstStep);
    }

    /// <summary>True when this browser holds a record id (it may have expired since) or a callback waits to start one.</summary>
    public bool HasRecord(HttpContext context) => context.Items.ContainsKey(PendingCallbackKey) || CurrentId(context) is not null;

    /// <summary>
    /// Holds a pushed authorization request (RFC 9126) until the authorize redirect starts the record it belongs to: the push
    /// is made before that redirect, when this browser may hold no record yet, or the previous sign-in's.
    /// </summary>
    public void DeferPush(HttpContext context, FlowStep push) => context.Items[PendingPushKey] = push;

    /// <summary>The push held by <see cref="DeferPush"/>, taken once.</summary>
    public FlowStep? TakePush(HttpContext context) =>
        context.Items.Remove(PendingPushKey, out var pending) ? pending as FlowStep : null;

    /// <summary>
    /// Holds the callback step until the request has passed the app's forwarded-headers step (which decides whether
    /// the request is HTTPS, and so which cookie names the record); it is written before any later step of the request.
    /// </summary>
    public void DeferCallback(HttpContext context, FlowStep callback) => context.Items[PendingCallbackKey] = callback;

    /// <summary>Writes a deferred callback step: into this browser's record, or a new one if it has none.</summary>
    public async Task FlushCallbackAsync(HttpContext context)
    {
        if (context.Items.Remove(PendingCallbackKey, out var pending) && pending is FlowStep callback && !await AppendAsync(context, [callback]))
        {
            // A callback this browser has no record for: forged, replayed from elsewhere, or too late. Worth seeing.
            callback.Notes.Add("No authorize request from this browser was on record for this callback: it was started elsewhere, too long ago, or forged.");
            if (!context.Response.HasStarted)
            {
                await StartAsync(context, callback);
            }
        }
    }

    /// <summary>Adds steps to this browser's record; false (and nothing done) when the browser has none or it expired.</summary>
    public async Task<bool> AppendAsync(HttpContext context, params IEnumerable<FlowStep> steps)
    {
        if (context.Items.ContainsKey(PendingCallbackKey))
        {
            await FlushCallbackAsync(context);
        }
        var id = CurrentId(context);
        if (id is null)
        {
            return false;
        }
        return await store.AppendAsync(RecordKey(id), [.. steps], Options.MaxSteps, time.GetUtcNow());
    }

    /// <summary>This browser's record, or null when it has none, it expired, or its cookie names nothing.</summary>
    public async Task<FlowRecord?> GetAsync(HttpContext context)
    {
        var id = CurrentId(context);
        return id is null ? null : await store.ReadAsync(RecordKey(id), time.GetUtcNow());
    }

    /// <summary>Forgets this browser's record and its cookie.</summary>
    public async Task ClearAsync(HttpContext context)
    {
        var id = CurrentId(context);
        context.Items.Remove(CurrentIdKey);
        context.Response.Cookies.Delete(CookieNameFor(context.Request), new CookieOptions { Path = "/", Secure = context.Request.IsHttps });
        if (id is not null)
        {
            await store.RemoveAsync(RecordKey(id));
        }
    }

    private static string CookieNameFor(HttpRequest request) => request.IsHttps ? SecureCookieName : CookieName;

    private static string? CurrentId(HttpContext context)
    {
        if (context.Items.TryGetValue(CurrentIdKey, out var started) && started is string id)
        {
            return id;
        }
        var cookie = context.Request.Cookies[CookieNameFor(context.Request)];
        return IsWellFormed(cookie) ? cookie : null;
    }

    private static bool IsWellFormed(string? id) =>
        id is { Length: 43 } && id.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_');

    // The store holds a hash of the id, so whoever can read the store still cannot present a browser's cookie.
    private static string RecordKey(string id) =>
        "flow:" + Convert.ToHexStringLower(SHA256.HashData(Encoding.ASCII.GetBytes(id)));
}
