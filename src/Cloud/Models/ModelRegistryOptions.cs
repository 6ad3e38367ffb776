namespace Edge.Cloud.Models;

using System.ComponentModel.DataAnnotations;
using Edge.ModelTools.Quantization;

/// <summary>The model registry and publish pipeline. Section <c>Models</c>; env vars <c>Models__StorePath</c> etc.</summary>
internal sealed class ModelRegistryOptions
{
    public const string Section = "Models";

    /// <summary>Where published files live; empty means <c>{content root}/data/models</c>, relative paths are taken from the content root.</summary>
    public string? StorePath { get; set; }

    /// <summary>The whole multipart upload (model, manifest, data sets); 413 beyond.</summary>
    [Range(1024, long.MaxValue)]
    public long MaxUploadBytes { get; set; } = 256L * 1024 * 1024;

    /// <summary>Held-out top-1 points INT8 may lose against FP32 before the publish is refused (422).</summary>
    [Range(-100.0, 100.0)]
    public double MaxTop1DropPoints { get; set; } = 1.0;

    /// <summary>
    /// Preprocessed values one data part (calibration or held-out) may hold: samples × the model's input size. The bound
    /// is on what the data becomes, not its bytes: a tiny image expands to a whole model input.
    /// </summary>
    [Range(1024, long.MaxValue)]
    public long MaxDataValues { get; set; } = Edge.ModelTools.Data.PreparedData.DefaultMaxValues;

    /// <summary>The published manifest's JSON at most: it travels inside the device's desired message (1 MiB, base64).</summary>
    [Range(1024, 600 * 1024)]
    public int MaxManifestBytes { get; set; } = 512 * 1024;

    /// <summary>Calibration samples the per-layer error report runs on (every intermediate tensor, twice): the slow part of a publish.</summary>
    [Range(1, 1_000_000)]
    public int LayerErrorSamples { get; set; } = 64;

    /// <summary>
    /// Refuse to publish a name that has no reference set (an admin's held-out data and accuracy floor). False lets such
    /// a name publish unjudged, which a stolen publisher token could use; it is logged as a warning at start.
    /// </summary>
    public bool RequireReference { get; set; } = true;

    /// <summary>Target activation type: <c>Auto</c> follows the cloud's own CPU; set <c>UInt8</c> (x86) or <c>Int8</c> (ARM) for the fleet's.</summary>
    public ActivationType ActivationType { get; set; } = ActivationType.Auto;
}
