using System.IO.Compression;
using Microsoft.AspNetCore.ResponseCompression;

namespace AgilePlanner.WebApp.Hosting;

/// <summary>
/// Brotli or gzip for pages, CSS, JS and JSON when the browser accepts them, first in the pipeline so every
/// body is compressed, the static files included.
/// </summary>
public static class ResponseCompression
{
    public static WebApplicationBuilder AddResponseCompression(this WebApplicationBuilder builder)
    {
        builder.Services.AddResponseCompression(options =>
        {
            // Off over HTTPS (the default): pages carry antiforgery tokens and account data, and compressing
            // secrets next to attacker-influenced text under TLS is the BREACH attack.
            options.EnableForHttps = false;
            options.Providers.Add<BrotliCompressionProvider>();
            options.Providers.Add<GzipCompressionProvider>();
        });
        // Fastest: pages are small and made per request, so CPU matters more than the last few bytes.
        builder.Services.Configure<BrotliCompressionProviderOptions>(options => options.Level = CompressionLevel.Fastest);
        builder.Services.Configure<GzipCompressionProviderOptions>(options => options.Level = CompressionLevel.Fastest);
        builder.Services.AddTransient<IStartupFilter, CompressionFirst>();
        return builder;
    }

    /// <summary>Puts compression in front of the rest of the pipeline, so Program.cs needs one line for it.</summary>
    private sealed class CompressionFirst : IStartupFilter
    {
        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            app.UseResponseCompression();
            next(app);
        };
    }
}
