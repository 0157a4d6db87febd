namespace AgilePlanner.Sandbox;

/// <summary>
/// Where the sandbox lives in the app that hosts it: paths on the host's own address. An OAuth client pointed at the sandbox
/// takes its endpoints from here; nothing else spells them.
/// </summary>
public static class SandboxRoutes
{
    /// <summary>Every page and endpoint of the sandbox is under this path.</summary>
    public const string Base = "/sandbox";

    /// <summary>The issuer, relative to the host's address (RFC 8414: the sandbox names itself <c>{scheme}://{host}/sandbox/</c>).</summary>
    public const string Issuer = Base + "/";

    /// <summary>The authorization endpoint.</summary>
    public const string Authorization = Base + "/oauth/authorize";

    /// <summary>The token endpoint.</summary>
    public const string Token = Base + "/oauth/token";

    /// <summary>The revocation endpoint (RFC 7009).</summary>
    public const string Revocation = Base + "/oauth/revoke";

    /// <summary>The API v1's base, ending with a slash.</summary>
    public const string ApiBase = Base + "/api/v1/";

    /// <summary>The signed-in user's connected apps, with <b>Sign out</b>.</summary>
    public const string ConnectedApps = Base + "/account/apps";
}
