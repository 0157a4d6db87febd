namespace AgilePlanner.AspNetCore;

/// <summary>When the authorization request is pushed to the provider first (RFC 9126) instead of travelling in the browser's URL.</summary>
public enum AgilePlannerPushedAuthorization
{
    /// <summary>Pushed when the provider has a pushed authorization request endpoint (in its metadata or set explicitly); always when its metadata requires it.</summary>
    IfAvailable,

    /// <summary>Always pushed; a provider without the endpoint gives a page naming the setting, never an unpushed request.</summary>
    Require,

    /// <summary>Never pushed, even when the provider requires it (its error page is then what the user sees).</summary>
    Disable,
}
