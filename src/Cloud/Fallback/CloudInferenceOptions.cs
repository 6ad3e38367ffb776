namespace Edge.Cloud.Fallback;

using System.ComponentModel.DataAnnotations;
using Edge.Inference;
using Edge.Shared.Inference;

/// <summary>Section <c>Inference</c>: the cloud model behind <c>POST /v1/infer</c> and the limits on its input.</summary>
public sealed class CloudInferenceOptions
{
    public const string Section = "Inference";

    /// <summary>Model manifest; a relative path is taken from the content root (the build copies <c>models/</c> there).</summary>
    [Required]
    public string Manifest { get; set; } = "models/digits-cloud.manifest.json";

    /// <summary>ONNX Runtime threads per inference. 1 suits many concurrent requests; raise it for big models at low load.</summary>
    [Range(0, 256)]
    public int IntraOpThreads { get; set; } = 1;

    /// <summary>Pre-allocated inference slots; 0 means one per admitted concurrent request (<c>Admission:MaxConcurrency</c>).</summary>
    [Range(0, 1024)]
    public int Slots { get; set; }

    /// <summary>Classes each answer lists with their calibrated probabilities, best first (<c>top</c>); 0 lists none.</summary>
    [Range(0, OnnxModel.MaxTopK)]
    public int TopK { get; set; } = 3;

    /// <summary>A vendor <c>libonnxruntime.so</c> to load instead of the bundled CPU build.</summary>
    public string? OnnxRuntimePath { get; set; }

    /// <summary>Bodies above this are refused with 413 while being read (never buffered whole).</summary>
    [Range(1024, 256 * 1024 * 1024)]
    public int MaxBodyBytes { get; set; } = ContentTypes.DefaultMaxBodyBytes;

    /// <summary>Images claiming more pixels are refused before decoding (decompression bombs).</summary>
    [Range(1, 1L << 32)]
    public long MaxImagePixels { get; set; } = OnnxModelOptions.DefaultMaxImagePixels;

    /// <summary>Runs the manifest's golden samples at load and refuses a model that disagrees.</summary>
    public bool VerifyGolden { get; set; } = true;
}
