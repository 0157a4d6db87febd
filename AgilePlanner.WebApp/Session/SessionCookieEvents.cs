using System.Globalization;
using System.Security.Cryptography;
using AgilePlanner.WebApp.Connect;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.WebUtilities;

namespace AgilePlanner.WebApp.Session;

/// <summary>Gives every sign-in a fresh session id and an absolute end, and ends sessions past it.</summary>
public sealed class SessionCookieEvents(TimeProvider timeProvider, ILogger<SessionCookieEvents> logger) : CookieAuthenticationEvents
{
    public override Task SigningIn(CookieSigningInContext context)
    {
        var items = context.Properties.Items;
        if (!items.ContainsKey(SessionCookie.SessionIdItem))
        {
            items[SessionCookie.SessionIdItem] = WebEncoders.Base64UrlEncode(RandomNumberGenerator.GetBytes(16));
            items[SessionCookie.AbsoluteExpiryItem] = timeProvider.GetUtcNow().Add(SessionCookie.AbsoluteLifetime).ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        }
        return base.SigningIn(context);
    }

    public override async Task ValidatePrincipal(CookieValidatePrincipalContext context)
    {
        if (!context.Properties.Items.TryGetValue(SessionCookie.AbsoluteExpiryItem, out var value)
            || !long.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds)
            || timeProvider.GetUtcNow() >= DateTimeOffset.FromUnixTimeSeconds(seconds))
        {
            ConnectionLog.SessionEnded(logger, "absolute lifetime reached");
            context.RejectPrincipal();
            await context.HttpContext.SignOutAsync(SessionCookie.Scheme);
            return;
        }
        await base.ValidatePrincipal(context);
    }
}
