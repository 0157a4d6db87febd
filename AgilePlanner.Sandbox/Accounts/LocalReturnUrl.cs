namespace AgilePlanner.Sandbox.Accounts;

/// <summary>What a return URL may hold besides being local: the characters a <c>Location</c> header can carry as they are.</summary>
internal static class LocalReturnUrl
{
    /// <summary>True when every character is printable ASCII (no controls, no spaces, no Unicode look-alikes).</summary>
    public static bool IsPrintableAscii(string url) => url.All(c => c is > ' ' and < '\u007f');
}
