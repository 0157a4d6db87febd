using Microsoft.AspNetCore.Authentication.Cookies;

namespace AgilePlanner.WebApp.Session;

/// <summary>
/// The session cookie: the signed-in user and their tokens, encrypted by Data Protection.
/// HttpOnly, Secure with the <c>__Host-</c> prefix over HTTPS, SameSite=Lax, 30 minutes idle and 8 hours at most.
/// </summary>
public static class SessionCookie
{
    /// <summary>The cookie scheme that holds the signed-in session and its tokens (the provider's <c>SignInScheme</c>).</summary>
    public const string Scheme = "AgilePlannerSession";

    public const string Name = "AgilePlanner";

    /// <summary>The name browsers get over HTTPS: bound to this host, Secure and Path=/ enforced by the browser.</summary>
    public const string HostPrefixedName = "__Host-" + Name;

    public static readonly TimeSpan IdleTimeout = TimeSpan.FromMinutes(30);

    public static readonly TimeSpan AbsoluteLifetime = TimeSpan.FromHours(8);

    internal const string AbsoluteExpiryItem = ".agileplanner.absolute";

    internal const string SessionIdItem = ".agileplanner.sid";

    public static void Configure(CookieAuthenticationOptions options)
    {
        options.Cookie.Name = Name;
        options.Cookie.HttpOnly = true;
        // Lax, not Strict: the callback is a top-level cross-site GET navigation from the provider, and the
        // session must be readable right after it; Lax still keeps it off cross-site POSTs and subrequests.
        options.Cookie.SameSite = SameSiteMode.Lax;
        options.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
        options.Cookie.Path = "/";
        options.CookieManager = new HostPrefixCookieManager();
        options.ExpireTimeSpan = IdleTimeout;
        options.SlidingExpiration = true;
        // A page with a Connect button, not the provider's sign-in: Connect is the user's choice.
        options.LoginPath = "/connection/needed";
        options.ReturnUrlParameter = "returnUrl";
        options.AccessDeniedPath = "/";
        options.EventsType = typeof(SessionCookieEvents);
    }

    /// <summary>Adds the <c>__Host-</c> prefix over HTTPS, where browsers accept it; plain HTTP (localhost, a container) keeps the bare name.</summary>
    private sealed class HostPrefixCookieManager : ICookieManager
    {
        private readonly ChunkingCookieManager _inner = new();

        public string? GetRequestCookie(HttpContext context, string key) => _inner.GetRequestCookie(context, NameFor(context, key));

        public void AppendResponseCookie(HttpContext context, string key, string? value, CookieOptions options) =>
            _inner.AppendResponseCookie(context, NameFor(context, key), value, options);

        public void DeleteCookie(HttpContext context, string key, CookieOptions options) =>
            _inner.DeleteCookie(context, NameFor(context, key), options);

        private static string NameFor(HttpContext context, string key) => context.Request.IsHttps ? "__Host-" + key : key;
    }
}
