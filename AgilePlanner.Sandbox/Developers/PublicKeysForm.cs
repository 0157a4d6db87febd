namespace AgilePlanner.Sandbox.Developers;

internal sealed class PublicKeysForm
{
    public string? PublicKeys { get; set; }
}
