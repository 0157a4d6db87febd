using AgilePlanner.Sandbox;
using AgilePlanner.WebApp;
using AgilePlanner.WebApp.Hosting;
using AgilePlanner.WebApp.Security;

try
{
    var builder = WebApplication.CreateBuilder(args);

    // Structured logs from the Serilog section of appsettings, secrets masked.
    builder.AddStructuredLogging();

    // Traces and metrics over OTLP when OTEL_EXPORTER_OTLP_ENDPOINT is set (the standard variables); nothing at all otherwise.
    builder.AddTelemetry();

    // Behind a reverse proxy: forwarded headers from configured proxies only, or a fixed public address.
    builder.AddPublicAddress();

    // One folder for what one instance keeps across restarts; with ConnectionStrings:Redis the Data Protection keys are in Redis instead.
    var dataDirectory = DataDirectory.Resolve(builder);
    builder.AddPersistentDataProtection(dataDirectory);

    // IDistributedCache on Redis when ConnectionStrings:Redis is set, shared by every instance; in memory otherwise.
    builder.AddSharedCache();

    // /healthz and /readyz (sandbox and its database, Redis when configured, data directory, provider).
    builder.AddHealthEndpoints(dataDirectory);

    // The built-in Agile Planner, on unless Sandbox:Enabled is false: SQLite in the data directory, or PostgreSQL (Sandbox:Database).
    builder.AddAgilePlannerSandbox();

    // Brotli or gzip for pages and static files (not over HTTPS: BREACH).
    builder.AddPageCompression();

    // The AgilePlanner section, checked at start.
    builder.AddAgilePlannerSettings();

    // Sign-in with Agile Planner (AgilePlanner.AspNetCore): the session cookie with the tokens, the provider, the callback's pages.
    builder.AddAgilePlannerSignIn();

    // The API client (AgilePlanner.Api) with the signed-in user's tokens and its response cache.
    builder.AddAgilePlannerApiClient();

    // The app's forms: antiforgery, notices, refused forms and API failures each with a page, HSTS.
    builder.AddFormProtection();

    // See the flow: the step-by-step inspector at /flow and the API console at /console.
    builder.AddFlowInspector();

    // MVC: controllers and views, one folder a feature.
    builder.Services.AddControllersWithViews().AddFeatureFolders();

    var app = builder.Build();

    // The public scheme and host first, so everything after sees them.
    app.UsePublicAddress();

    // Only the public address or a loopback name: any other host gets a 400 page, before anything builds a URL from it.
    app.UseAllowedHosts();

    // Compression for every body after this, the static files included.
    app.UsePageCompression();

    // One log line a request.
    app.UseRequestLogging();

    // A form body that cannot be decoded is the sender's mistake: 400, never an exception.
    app.UseMiddleware<UnreadableFormMiddleware>();

    // Friendly error pages (never a stack trace) and security headers on every page of the app.
    app.UseAgilePlannerPages();

    // Redis unreachable: a 503 page saying so, never a 500.
    app.UseSharedStoreOutagePage();

    // Under /sandbox: held until its database is ready, 503 while the database is unreachable, rate limits. Before
    // authentication, where OpenIddict answers the token endpoint.
    app.UseAgilePlannerSandbox();

    app.UseStaticFiles();
    app.UseRouting();

    // The flow inspector sees each callback before the OAuth handler answers it.
    app.UseFlowInspector();
    app.UseAuthentication();
    app.UseAuthorization();
    app.UseAntiforgery();

    // The sandbox under /sandbox, then the app's own pages.
    app.MapAgilePlannerSandbox();
    app.MapControllers();

    // Liveness and readiness probes.
    app.MapHealthEndpoints();

    app.Run();
}
catch (Exception failure) when (StartupFailure.IsOwnProcess && StartupFailure.Explain(failure) is { } explanation)
{
    // A settings mistake or a port in use: one line a problem, saying what to change, not a stack trace.
    foreach (var line in explanation)
    {
        Console.Error.WriteLine(line);
    }
    return StartupFailure.ExitCode;
}
return 0;

/// <summary>The entry point, public for the test host.</summary>
public partial class Program;
