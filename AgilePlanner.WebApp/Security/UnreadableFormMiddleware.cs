namespace AgilePlanner.WebApp.Security;

/// <summary>
/// Answers 400 to a form body that cannot be decoded (a NUL character, a multipart body that ends before its boundary), for the app
/// and the sandbox alike, instead of letting the framework's form reader throw from inside antiforgery or binding.
/// </summary>
public sealed class UnreadableFormMiddleware(RequestDelegate next)
{
    public async Task InvokeAsync(HttpContext context)
    {
        if (context.Request.HasFormContentType)
        {
            try
            {
                // Read once here; the framework keeps the parsed form for antiforgery, MVC and OpenIddict.
                await context.Request.ReadFormAsync(context.RequestAborted);
            }
            catch (Exception exception) when (!context.RequestAborted.IsCancellationRequested
                && exception is InvalidDataException or BadHttpRequestException or IOException)
            {
                context.Response.StatusCode = StatusCodes.Status400BadRequest;
                context.Response.ContentType = "text/plain; charset=utf-8";
                await context.Response.WriteAsync("The form could not be read: its body is not valid form data.", context.RequestAborted);
                return;
            }
        }
        await next(context);
    }
}
