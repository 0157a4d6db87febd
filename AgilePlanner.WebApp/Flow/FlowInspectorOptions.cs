using Microsoft.AspNetCore.Http;

namespace AgilePlanner.WebApp.Flow;

/// <summary>Limits of the flow inspector's record, which lives in the server's cache on behalf of a browser.</summary>
public sealed class FlowInspectorOptions
{
    /// <summary>How long a record is kept after its connection started.</summary>
    public TimeSpan Lifetime { get; set; } = TimeSpan.FromMinutes(30);

    /// <summary>Most steps kept; beyond it the oldest API calls give way.</summary>
    public int MaxSteps { get; set; } = 40;

    /// <summary>Most characters of a body kept; the rest is cut with a note.</summary>
    public int MaxBodyChars { get; set; } = 4096;

    /// <summary>Most characters of a header or parameter value kept.</summary>
    public int MaxValueChars { get; set; } = 512;

    /// <summary>The OAuth handler's callback path, whose incoming query is recorded before the handler runs.</summary>
    public PathString CallbackPath { get; set; } = "/callback";
}
