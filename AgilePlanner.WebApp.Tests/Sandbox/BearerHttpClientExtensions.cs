using System.Net;
using AgilePlanner.WebApp.Tests.Infrastructure;

namespace AgilePlanner.WebApp.Tests.Sandbox;

internal static class BearerHttpClientExtensions
{
    public static async Task<string> GetStringAsyncWithToken(this HttpClient http, string path, string token)
    {
        using var response = await SandboxTokens.GetApiAsync(http, path["/sandbox/api/v1".Length..], token);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
    }
}
