using System.Diagnostics;
using System.Net;
using System.Text.Json;
using AgilePlanner.WebApp.Hosting;
using AgilePlanner.WebApp.Tests.Infrastructure;
using AngleSharp.Html.Dom;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace AgilePlanner.WebApp.Tests.Telemetry;

/// <summary>
/// The app on Kestrel with its sandbox, exporting over OTLP/HTTP to a loopback <see cref="OtlpListener"/> (set as configuration,
/// as the standard variables would), its spans also kept in memory; a browser with its cookies, and the flow's steps.
/// </summary>
public sealed class TelemetryApp : IAsyncDisposable
{
    private readonly CookieContainer _cookies = new();

    public TelemetryApp(bool export = true)
    {
        if (export)
        {
            App.With(TelemetryExtensions.EndpointKey, Otlp.Endpoint).With("OTEL_EXPORTER_OTLP_PROTOCOL", "http/protobuf");
        }
        App.ConfigureTestServices = services => services.ConfigureOpenTelemetryTracerProvider(tracing => tracing.AddInMemoryExporter(Spans));
        Browser = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false, CookieContainer = _cookies, UseProxy = false })
        {
            BaseAddress = new Uri($"http://localhost:{App.ListeningPort}/"),
        };
    }

    public OtlpListener Otlp { get; } = new();

    public KestrelSandboxApp App { get; } = new();

    public List<Activity> Spans { get; } = [];

    public HttpClient Browser { get; }

    public List<Uri> Visited { get; } = [];

    public IEnumerable<string> CookieValues => _cookies.GetAllCookies().Select(cookie => cookie.Value).Where(value => value.Length > 16);

    public Task StartAsync() => App.StartReadyAsync();

    /// <summary>Connect, sign in at the sandbox, then Allow (or Deny); the page the browser lands on.</summary>
    public async Task<HttpResponseMessage> SignInAsync(string choice = "Allow")
    {
        var signIn = await ClientFlow.PageAsync(Browser, "/connect");
        var signInResponse = await Redirects.FollowAsync(Browser, await Browser.SubmitAsync(Form(signIn.Page, "form[action='/sandbox/signin']"),
            new Dictionary<string, string> { ["Email"] = SandboxUser.DemoEmail, ["Password"] = SandboxUser.DemoPassword }), visited: Visited);
        var consentForm = Form(await Html.ParseAsync(signInResponse), "form[action='/sandbox/oauth/authorize']");
        return await Redirects.FollowAsync(Browser, await Browser.SubmitAsync(consentForm, submitButton: consentForm.ButtonNamed(choice)), visited: Visited);
    }

    /// <summary>Submits the form at <paramref name="action"/> on <paramref name="page"/>, then follows to the page shown.</summary>
    public async Task<HttpResponseMessage> PostAsync(string page, string action)
    {
        var (_, document) = await ClientFlow.PageAsync(Browser, page);
        return await Redirects.FollowAsync(Browser, await Browser.SubmitAsync(Form(document, $"form[action='{action}']")));
    }

    /// <summary>The last refresh token the sandbox issued to the app (read off the back channel).</summary>
    public string IssuedRefreshToken()
    {
        var exchange = App.BackChannel.Last(call => call.Uri.AbsolutePath == "/sandbox/oauth/token" && call.Status == 200);
        using var json = JsonDocument.Parse(exchange.ResponseBody);
        return json.RootElement.GetProperty("refresh_token").GetString()!;
    }

    public void Flush()
    {
        App.Services.GetRequiredService<TracerProvider>().ForceFlush();
        App.Services.GetRequiredService<MeterProvider>().ForceFlush();
    }

    private static IHtmlFormElement Form(AngleSharp.Html.Dom.IHtmlDocument page, string selector) =>
        page.QuerySelector(selector) as IHtmlFormElement ?? throw new InvalidOperationException($"No {selector} on {page.Url}: {page.Title}");

    public async ValueTask DisposeAsync()
    {
        Browser.Dispose();
        await App.DisposeAsync();
        Otlp.Dispose();
    }
}
