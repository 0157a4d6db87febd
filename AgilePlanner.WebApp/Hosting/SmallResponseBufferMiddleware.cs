using Microsoft.AspNetCore.Http.Features;

namespace AgilePlanner.WebApp.Hosting;

/// <summary>Puts a <see cref="SmallResponseBufferStream"/> in front of the response body, just inside compression.</summary>
public sealed class SmallResponseBufferMiddleware(RequestDelegate next)
{
    public async Task InvokeAsync(HttpContext context)
    {
        var original = context.Features.GetRequiredFeature<IHttpResponseBodyFeature>();
        await using var buffer = new SmallResponseBufferStream(original, context.Response, PageCompression.MinimumCompressedBytes);
        context.Features.Set<IHttpResponseBodyFeature>(buffer);
        try
        {
            await next(context);
            await buffer.FinishAsync();
        }
        finally
        {
            context.Features.Set(original);
        }
    }
}
