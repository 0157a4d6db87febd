using Microsoft.AspNetCore.ResponseCompression;
using Microsoft.Extensions.Options;

namespace AgilePlanner.WebApp.Hosting;

/// <summary>The framework's choice of encoding, except that a body known to be small is sent as it is.</summary>
public sealed class MinimumSizeCompressionProvider(IServiceProvider services, IOptions<ResponseCompressionOptions> options)
    : ResponseCompressionProvider(services, options)
{
    public override bool ShouldCompressResponse(HttpContext context) =>
        !(context.Response.ContentLength < PageCompression.MinimumCompressedBytes) && base.ShouldCompressResponse(context);
}
