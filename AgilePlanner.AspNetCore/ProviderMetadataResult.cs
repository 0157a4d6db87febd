namespace AgilePlanner.AspNetCore;

/// <summary>The provider's metadata, or why it cannot be used (fixed text plus cleaned provider values, safe to log and show).</summary>
internal sealed record ProviderMetadataResult(ProviderMetadata? Metadata, string? Problem)
{
    public static ProviderMetadataResult Failed(string problem) => new(null, problem);
}
