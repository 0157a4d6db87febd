namespace AgilePlanner.WebApp.Tests.Infrastructure;

/// <summary>How a part of the provider fails.</summary>
public enum Outage
{
    /// <summary>Working: the request reaches the <see cref="ProviderDouble"/>.</summary>
    None,

    /// <summary>Down: the connection is refused, with the very exception a real <see cref="SocketsHttpHandler"/> throws.</summary>
    Refused,

    /// <summary>Slow: the connection is accepted and no answer ever comes.</summary>
    Hanging,
}
