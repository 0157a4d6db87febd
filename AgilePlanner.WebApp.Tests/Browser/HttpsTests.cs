using System.Security.Cryptography.X509Certificates;
using AgilePlanner.Api;
using AgilePlanner.AspNetCore;
using Microsoft.Extensions.DependencyInjection;
using static AgilePlanner.WebApp.Tests.Browser.AgilePlannerFlow;

namespace AgilePlanner.WebApp.Tests.Browser;

/// <summary>The whole connection over HTTPS (a certificate made in the test), where the session cookie must be Secure.</summary>
[Collection(BrowserCollection.Name)]
public sealed class HttpsTests(ChromiumFixture chromium)
{
    [Fact]
    public async Task Over_HTTPS_the_session_cookie_is_Secure_and_host_prefixed()
    {
        var certificate = TestCertificate.ForLoopback();
        await using var app = new LiveApp
        {
            Certificate = certificate,
            ConfigureTestServices = services => TrustForBackChannel(services, certificate),
        };
        app.Start();
        await using var session = await BrowserSession.OpenAsync(chromium, app, ignoreCertificateErrors: true);
        var page = await session.NewPageAsync();

        await ConnectAsync(session, page);

        var cookie = await session.AssertSessionCookieAsync(page);
        Assert.StartsWith("__Host-", cookie.Name);
        session.AssertNothingLeakedOrBroke();
    }

    /// <summary>The app's own calls to the provider accept this one self-signed certificate, and nothing else new.</summary>
    private static void TrustForBackChannel(IServiceCollection services, X509Certificate2 certificate)
    {
        foreach (var name in new[] { AgilePlannerAuthenticationDefaults.BackchannelHttpClientName, AgilePlannerApiClient.HttpClientName })
        {
            services.AddHttpClient(name).ConfigurePrimaryHttpMessageHandler((handler, _) =>
            {
                switch (handler)
                {
                    case SocketsHttpHandler sockets:
                        sockets.SslOptions.RemoteCertificateValidationCallback = (_, presented, _, _) => IsTheTestCertificate(presented);
                        break;
                    case HttpClientHandler client:
                        client.ServerCertificateCustomValidationCallback = (_, presented, _, _) => IsTheTestCertificate(presented);
                        break;
                    default:
                        throw new InvalidOperationException($"Cannot set certificate trust on {handler.GetType().Name}.");
                }
            });
        }

        bool IsTheTestCertificate(X509Certificate? presented) =>
            presented is not null && presented.GetCertHashString() == certificate.GetCertHashString();
    }
}
