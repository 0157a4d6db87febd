using System.IO.Compression;
using Microsoft.AspNetCore.ResponseCompression;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace AgilePlanner.WebApp.Hosting;

/// <summary>
/// Brotli or gzip for pages, CSS, JS and JSON when the browser accepts them, early in the pipeline so every
/// body is compressed, the static files included; bodies under <see cref="MinimumCompressedBytes"/> are sent as they are.
/// </summary>
public static class PageCompression
{
    /// <summary>
    /// Below this a body fits in a segment or two either way, and compressing it costs more than it saves: a Brotli
    /// encoder per response took about half of a 2-core server's throughput on the 1.7 KB home page (docs/benchmarks.md).
    /// </summary>
    public const int MinimumCompressedBytes = 2048;

    public static WebApplicationBuilder AddPageCompression(this WebApplicationBuilder builder)
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
        builder.Services.Replace(ServiceDescriptor.Singleton<IResponseCompressionProvider, MinimumSizeCompressionProvider>());
        return builder;
    }

    /// <summary>Compression, and inside it the buffer that lets a small body reach it whole and with its length.</summary>
    public static WebApplication UsePageCompression(this WebApplication app)
    {
        app.UseResponseCompression();
        app.UseMiddleware<SmallResponseBufferMiddleware>();
        return app;
    }
}
