namespace Edge.Shared.Models;

/// <summary>
/// The held-out set the cloud judges every publish of one model name on (<c>GET /v1/models/{name}/reference</c>). The
/// data itself is never sent back: whoever could read it could tune a model to it.
/// </summary>
public sealed class ModelReference
{
    public required string Name { get; set; }

    /// <summary>Labelled samples in the set.</summary>
    public int Samples { get; set; }

    /// <summary>How the data came: <c>digits</c> (a digit data set) or <c>jsonl</c> (JSON lines of tensors or images).</summary>
    public required string Form { get; set; }

    /// <summary>Minimum top-1 (0..1) the published file must score on the set.</summary>
    public double Floor { get; set; }

    public DateTimeOffset SetAt { get; set; }

    /// <summary>The admin credential that set it.</summary>
    public required string SetBy { get; set; }
}
