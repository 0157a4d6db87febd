namespace AgilePlanner.WebApp.Flow;

/// <summary>A request or a response as it crossed the wire, with every secret masked.</summary>
public sealed class FlowHttpMessage
{
    public string? Method { get; set; }

    public string? Url { get; set; }

    public int? Status { get; set; }

    public string? Reason { get; set; }

    public List<KeyValuePair<string, string>> Headers { get; set; } = [];

    /// <summary>A form body's fields, decoded and masked, with what each is for.</summary>
    public List<FlowParameter> Form { get; set; } = [];

    /// <summary>The body as text: indented JSON, a masked form, or plain text; cut to the configured size.</summary>
    public string? Body { get; set; }

    public bool BodyIsJson { get; set; }

    public bool BodyTruncated { get; set; }

    /// <summary>The body's size in bytes as sent or received.</summary>
    public long BodyBytes { get; set; }
}
