using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace AgilePlanner.Sandbox.Hosting;

/// <summary>
/// The sandbox's stylesheet and script, embedded in the library and served under /sandbox/assets, so its pages
/// look the same whether the app runs from source, from a publish folder or in a test host.
/// </summary>
internal static class SandboxAssets
{
    public const string StylesheetPath = "/sandbox/assets/sandbox.css";
    public const string CopyScriptPath = "/sandbox/assets/copy.js";

    private static readonly Dictionary<string, (string ContentType, byte[] Content)> Files = Load();

    public static IEndpointRouteBuilder MapSandboxAssets(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/sandbox/assets/{name}", (string name, HttpResponse response) =>
        {
            if (!Files.TryGetValue(name, out var file))
            {
                return Results.NotFound();
            }
            response.Headers.CacheControl = "public, max-age=3600";
            response.Headers.XContentTypeOptions = "nosniff";
            return Results.Bytes(file.Content, file.ContentType);
        });
        return endpoints;
    }

    private static Dictionary<string, (string, byte[])> Load()
    {
        var assembly = typeof(SandboxAssets).Assembly;
        var files = new Dictionary<string, (string, byte[])>(StringComparer.Ordinal);
        foreach (var resource in assembly.GetManifestResourceNames().Where(n => n.StartsWith("Assets/", StringComparison.Ordinal)))
        {
            using var stream = assembly.GetManifestResourceStream(resource)!;
            using var memory = new MemoryStream();
            stream.CopyTo(memory);
            var name = resource["Assets/".Length..];
            var type = name.EndsWith(".css", StringComparison.Ordinal) ? "text/css; charset=utf-8" : "text/javascript; charset=utf-8";
            files[name] = (type, memory.ToArray());
        }
        return files;
    }
}
