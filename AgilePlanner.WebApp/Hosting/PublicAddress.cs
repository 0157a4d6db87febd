using System.Net;
using Microsoft.AspNetCore.HttpOverrides;

namespace AgilePlanner.WebApp.Hosting;

/// <summary>
/// Running behind a TLS-terminating reverse proxy: <c>X-Forwarded-For/Proto/Host</c> are honoured only from the proxies
/// listed in <c>ForwardedHeaders:KnownProxies</c> (IP addresses) and <c>ForwardedHeaders:KnownNetworks</c> (CIDR),
/// loopback alone by default; <c>AgilePlanner:PublicBaseUrl</c>, when set, fixes the scheme and host outright,
/// so the <c>redirect_uri</c> built from the request is the public one whatever the proxy sends. What remains is checked
/// against <see cref="AllowedHosts"/> by <see cref="AllowedHostsMiddleware"/>.
/// </summary>
public static class PublicAddress
{
    public const string SectionName = "ForwardedHeaders";
    public const string PublicBaseUrlKey = "AgilePlanner:PublicBaseUrl";

    public static WebApplicationBuilder AddPublicAddress(this WebApplicationBuilder builder)
    {
        var section = builder.Configuration.GetSection(SectionName);
        var proxies = ParseAll(section, "KnownProxies", ParseAddress);
        var networks = ParseAll(section, "KnownNetworks", ParseNetwork);
        var allowedHosts = ParseAll(section, "AllowedHosts", (_, host) => host);
        PublicBaseUrl(builder.Configuration);
        builder.Services.AddSingleton(AllowedHosts.From(builder.Configuration));
        // The framework's host filter runs before forwarded headers are applied; AllowedHostsMiddleware replaces it.
        builder.Services.Configure<Microsoft.AspNetCore.HostFiltering.HostFilteringOptions>(options => options.AllowedHosts = ["*"]);

        builder.Services.Configure<ForwardedHeadersOptions>(options =>
        {
            options.ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto | ForwardedHeaders.XForwardedHost;
            // The framework trusts loopback by default; configured proxies come on top of it, never anyone else.
            foreach (var proxy in proxies)
            {
                options.KnownProxies.Add(proxy);
            }
            foreach (var network in networks)
            {
                options.KnownIPNetworks.Add(network);
            }
            foreach (var host in allowedHosts)
            {
                options.AllowedHosts.Add(host);
            }
        });
        return builder;
    }

    /// <summary>First in the pipeline, so logs, cookies and redirect URIs all see the public scheme and host.</summary>
    public static WebApplication UsePublicAddress(this WebApplication app)
    {
        // The framework's forwarded-headers middleware throws on a host it cannot decode ("xn--"): such a request is refused as malformed.
        app.Use((context, next) =>
        {
            if (context.Request.Headers.TryGetValue("X-Forwarded-Host", out var forwarded) && !forwarded.All(IsDecodable))
            {
                context.Request.Headers.Remove("X-Forwarded-Host");
                context.Items[AllowedHostsMiddleware.MalformedForwardedHost] = true;
            }
            return next(context);
        });
        app.UseForwardedHeaders();
        if (PublicBaseUrl(app.Configuration) is { } publicBaseUrl)
        {
            var scheme = publicBaseUrl.Scheme;
            // Authority leaves out a default port, as a browser's Host header does.
            var host = new HostString(publicBaseUrl.Authority);
            app.Use((context, next) =>
            {
                context.Request.Scheme = scheme;
                context.Request.Host = host;
                return next(context);
            });
        }
        return app;
    }

    /// <summary>After <see cref="UsePublicAddress"/>: a malformed or unknown host gets a 400 page before any handler runs.</summary>
    public static WebApplication UseAllowedHosts(this WebApplication app)
    {
        app.UseMiddleware<AllowedHostsMiddleware>();
        return app;
    }

    /// <summary>The configured public address, or null; anything but an absolute http(s) URL with no path stops the app at start.</summary>
    public static Uri? PublicBaseUrl(IConfiguration configuration)
    {
        var value = configuration[PublicBaseUrlKey];
        if (string.IsNullOrWhiteSpace(value))
        {
            return null;
        }

        if (!Uri.TryCreate(value, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
        {
            throw new InvalidOperationException($"{PublicBaseUrlKey} must be an absolute http or https URL such as https://planner.example.com, not '{value}'.");
        }
        if (uri.AbsolutePath != "/" || uri.Query.Length > 0 || uri.Fragment.Length > 0 || uri.UserInfo.Length > 0)
        {
            throw new InvalidOperationException($"{PublicBaseUrlKey} must be a scheme and host only (https://planner.example.com); the app does not run under a path prefix.");
        }
        return uri;
    }

    private static bool IsDecodable(string? values)
    {
        try
        {
            foreach (var value in (values ?? string.Empty).Split(','))
            {
                _ = HostString.FromUriComponent(value.Trim()).Host;
            }
            return true;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }

    // An array (ForwardedHeaders__KnownProxies__0=...) or one comma-separated value (ForwardedHeaders__KnownProxies=a,b).
    private static List<T> ParseAll<T>(IConfigurationSection section, string key, Func<string, string, T> parse)
    {
        var child = section.GetSection(key);
        var values = string.IsNullOrEmpty(child.Value) ? child.Get<string[]>() ?? [] : child.Value.Split(',');
        return values
            .Where(value => !string.IsNullOrWhiteSpace(value))
            .Select(value => parse($"{SectionName}:{key}", value.Trim()))
            .ToList();
    }

    private static IPAddress ParseAddress(string key, string value) =>
        IPAddress.TryParse(value, out var address)
            ? address
            : throw new InvalidOperationException($"{key} must list IP addresses such as 10.0.0.5; '{value}' is not one.");

    private static System.Net.IPNetwork ParseNetwork(string key, string value) =>
        System.Net.IPNetwork.TryParse(value, out var network)
            ? network
            : throw new InvalidOperationException($"{key} must list networks in CIDR form such as 10.0.0.0/8; '{value}' is not one.");
}
