namespace AgilePlanner.Shared;

/// <summary>The connection handler under the packages' HTTP clients.</summary>
/// <remarks>Compiled into AgilePlanner.Api and AgilePlanner.AspNetCore (a linked source file), so both clients connect alike.</remarks>
internal static class PrimaryHandlers
{
    /// <summary>
    /// Never a redirect: a request that followed one could carry a token or a secret to another address. Connections are
    /// renewed every five minutes so that a provider's DNS change is seen.
    /// </summary>
    public static SocketsHttpHandler NoRedirects() => new() { AllowAutoRedirect = false, PooledConnectionLifetime = TimeSpan.FromMinutes(5) };
}
