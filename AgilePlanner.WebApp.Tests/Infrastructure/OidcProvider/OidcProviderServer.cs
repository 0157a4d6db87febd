using System.Diagnostics;
using System.Text.Json;

namespace AgilePlanner.WebApp.Tests.Infrastructure.OidcProvider;

/// <summary>
/// panva's oidc-provider (npm), an authorization server no one on this project wrote, started with <c>node server.mjs</c>
/// on a free loopback port with two clients: one with a secret (<see cref="ClientId"/>, <see cref="ClientSecret"/>) and one
/// with <c>private_key_jwt</c> (<see cref="KeyClientId"/>, its private key in <see cref="ClientKeyFile"/>). PAR (RFC 9126),
/// RFC 9207 <c>iss</c>, PKCE S256 required, rotating refresh tokens, revocation; the demo account signs in on a plain form
/// and Allows or Denies on a consent form (<see cref="OidcProviderUser"/>). The same process serves the contract API at
/// <see cref="ApiBaseUrl"/>, checking each bearer token with the provider. Without node the tests are skipped with the
/// reason, and under CI (CI=true) they fail. The process and its temp folder are always removed.
/// </summary>
public sealed class OidcProviderServer : IAsyncLifetime
{
    private static readonly TimeSpan StartPatience = TimeSpan.FromSeconds(60);
    private static readonly SemaphoreSlim InstallLock = new(1, 1);

    private readonly string _folder = Path.Combine(Path.GetTempPath(), "agileplanner-oidc-provider", Guid.NewGuid().ToString("N"));
    private readonly List<string> _output = [];
    private Process? _process;
    private string? _missingReason;
    private string? _issuer;

    public OidcProviderServer()
        : this(new OidcProviderSettings())
    {
    }

    private OidcProviderServer(OidcProviderSettings settings)
    {
        Settings = settings;
    }

    /// <summary>A server with other settings than the class fixture's; the caller starts it (<c>InitializeAsync</c>) and disposes it.</summary>
    public static OidcProviderServer With(OidcProviderSettings settings) => new(settings);

    public OidcProviderSettings Settings { get; }

    /// <summary><c>http://127.0.0.1:PORT</c>: no path, so its metadata is at <c>/.well-known/openid-configuration</c> (oidc-provider serves no RFC 8414 document).</summary>
    public string Issuer => Started()._issuer!;

    public string ClientId => "agile-planner-connect";

    public string ClientSecret { get; } = "independent-" + Guid.NewGuid().ToString("N");

    /// <summary>The client registered with <c>token_endpoint_auth_method=private_key_jwt</c> and the public half of <see cref="ClientKey"/>.</summary>
    public string KeyClientId => "agile-planner-connect-key";

    /// <summary>The key pair of <see cref="KeyClientId"/>, to sign client assertions in tests.</summary>
    public ClientAssertion ClientKey { get; } = new();

    /// <summary>The private key of <see cref="KeyClientId"/> as a PKCS#8 PEM file (what <c>AgilePlanner:ClientKeyFile</c> names).</summary>
    public string ClientKeyFile => Path.Combine(Started()._folder, "client-key.pem");

    /// <summary>The contract API, <c>{Issuer}/api/v1</c>.</summary>
    public string ApiBaseUrl => Issuer + "/api/v1";

    /// <summary>What the server printed, for a failing test's message.</summary>
    public string Output
    {
        get
        {
            lock (_output)
            {
                return string.Join('\n', _output);
            }
        }
    }

    public async ValueTask InitializeAsync()
    {
        var node = FindOnPath("node");
        var npm = FindOnPath("npm");
        if (node is null || npm is null)
        {
            _missingReason = "node and npm are not installed (apt-get install -y nodejs npm, Node 20 or later).";
            return;
        }

        var server = ServerFolder();
        await InstallOnceAsync(npm, server);

        Directory.CreateDirectory(_folder);
        await File.WriteAllTextAsync(Path.Combine(_folder, "client-key.pem"), ClientKey.PrivateKeyPem);
        var jwksFile = Path.Combine(_folder, "client-jwks.json");
        await File.WriteAllTextAsync(jwksFile, ClientKey.PublicJwks());

        var port = LoopbackPorts.Free();
        var start = new ProcessStartInfo(node)
        {
            WorkingDirectory = server,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.ArgumentList.Add(Path.Combine(server, "server.mjs"));
        start.Environment["OIDC_PORT"] = port.ToString(System.Globalization.CultureInfo.InvariantCulture);
        start.Environment["OIDC_CLIENT_ID"] = ClientId;
        start.Environment["OIDC_CLIENT_SECRET"] = ClientSecret;
        start.Environment["OIDC_CLIENT_AUTH_METHOD"] = Settings.ClientAuthenticationMethod;
        start.Environment["OIDC_KEY_CLIENT_ID"] = KeyClientId;
        start.Environment["OIDC_KEY_CLIENT_JWKS_FILE"] = jwksFile;
        start.Environment["OIDC_REDIRECT_URIS"] = string.Join(' ', Settings.RedirectUris);
        start.Environment["OIDC_REQUIRE_PAR"] = Settings.RequirePushedAuthorization ? "true" : "false";
        start.Environment["OIDC_ACCESS_TOKEN_TTL"] = ((int)Settings.AccessTokenLifetime.TotalSeconds).ToString(System.Globalization.CultureInfo.InvariantCulture);
        start.Environment["NODE_ENV"] = "test";

        var listening = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        _process = new Process { StartInfo = start, EnableRaisingEvents = true };
        _process.OutputDataReceived += (_, line) => OnLine(line.Data, listening);
        _process.ErrorDataReceived += (_, line) => OnLine(line.Data, listening: null);
        _process.Exited += (_, _) => listening.TrySetException(new InvalidOperationException("oidc-provider stopped before it listened:\n" + Output));
        _process.Start();
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();

        _issuer = await listening.Task.WaitAsync(StartPatience);
    }

    private void OnLine(string? line, TaskCompletionSource<string>? listening)
    {
        if (line is null)
        {
            return;
        }
        lock (_output)
        {
            _output.Add(line);
        }
        if (listening is not null && line.StartsWith("listening ", StringComparison.Ordinal))
        {
            listening.TrySetResult(line["listening ".Length..].Trim());
        }
    }

    /// <summary>A person at the provider in a browser of their own, who signs in as the demo account and decides.</summary>
    public OidcProviderUser CreateUser() => new(this);

    /// <summary>The provider's metadata, <c>/.well-known/openid-configuration</c>.</summary>
    public async Task<JsonElement> MetadataAsync(HttpClient http) =>
        JsonSerializer.Deserialize<JsonElement>(await http.GetStringAsync(Issuer + "/.well-known/openid-configuration", TestContext.Current.CancellationToken));

    private OidcProviderServer Started()
    {
        if (_issuer is not null)
        {
            return this;
        }
        var reason = _missingReason ?? "oidc-provider did not start.";
        if (string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase))
        {
            Assert.Fail($"CI=true requires the independent provider's tests to run. {reason}");
        }
        Assert.Skip(reason);
        return this;
    }

    /// <summary>
    /// <c>npm ci</c> into the server folder once, when CI's <c>.ci/run</c> has not already done it: the lock file pins
    /// oidc-provider and everything under it.
    /// </summary>
    private static async Task InstallOnceAsync(string npm, string server)
    {
        await InstallLock.WaitAsync();
        try
        {
            if (File.Exists(Path.Combine(server, "node_modules", "oidc-provider", "package.json")))
            {
                return;
            }
            var install = new ProcessStartInfo(npm) { WorkingDirectory = server, RedirectStandardOutput = true, RedirectStandardError = true };
            foreach (var argument in new[] { "ci", "--no-audit", "--no-fund", "--ignore-scripts" })
            {
                install.ArgumentList.Add(argument);
            }
            using var process = Process.Start(install)!;
            var output = process.StandardOutput.ReadToEndAsync();
            var error = process.StandardError.ReadToEndAsync();
            await process.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(5));
            if (process.ExitCode != 0)
            {
                throw new InvalidOperationException($"npm ci failed in {server}:\n{await output}\n{await error}");
            }
        }
        finally
        {
            InstallLock.Release();
        }
    }

    /// <summary>The server's source folder, found from the test binaries up to the solution.</summary>
    private static string ServerFolder()
    {
        for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
        {
            var candidate = Path.Combine(folder.FullName, "AgilePlanner.WebApp.Tests", "OidcProvider", "server");
            if (File.Exists(Path.Combine(candidate, "server.mjs")))
            {
                return candidate;
            }
        }
        throw new InvalidOperationException("AgilePlanner.WebApp.Tests/OidcProvider/server/server.mjs was not found above " + AppContext.BaseDirectory);
    }

    private static string? FindOnPath(string name) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "")
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(folder => Path.Combine(folder, name))
            .FirstOrDefault(File.Exists);

    public async ValueTask DisposeAsync()
    {
        if (_process is not null)
        {
            try
            {
                if (!_process.HasExited)
                {
                    // Closing stdin asks the server to stop; a server that does not is killed.
                    _process.StandardInput.Close();
                    using var patience = new CancellationTokenSource(TimeSpan.FromSeconds(5));
                    try
                    {
                        await _process.WaitForExitAsync(patience.Token);
                    }
                    catch (OperationCanceledException)
                    {
                        _process.Kill(entireProcessTree: true);
                        await _process.WaitForExitAsync(CancellationToken.None);
                    }
                }
            }
            finally
            {
                _process.Dispose();
            }
        }
        ClientKey.Dispose();
        try
        {
            if (Directory.Exists(_folder))
            {
                Directory.Delete(_folder, recursive: true);
            }
        }
        catch (IOException)
        {
            // The temp folder is cleaned by the OS.
        }
    }
}
