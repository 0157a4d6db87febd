namespace AgilePlanner.AspNetCore;

/// <summary>How the client authenticates on every back-channel form (token, refresh, revocation, pushed authorization): one place.</summary>
internal static class ClientCredentialsForm
{
    /// <summary>Adds <c>client_id</c> and <c>client_secret</c> to the form (RFC 6749 section 2.3.1, in the body).</summary>
    /// <param name="form">The request's parameters.</param>
    /// <param name="options">The scheme's options, with the client's credentials.</param>
    /// <returns>The same form.</returns>
    public static Dictionary<string, string> WithClient(this Dictionary<string, string> form, AgilePlannerAuthenticationOptions options)
    {
        form["client_id"] = options.ClientId;
        form["client_secret"] = options.ClientSecret;
        return form;
    }
}
