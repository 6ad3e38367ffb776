namespace Edge.Agent.Serving;

using System.ComponentModel.DataAnnotations;
using Edge.Inference;

/// <summary>
/// The local model and how to run it. Section <c>Inference</c>; e.g. <c>Inference__ExecutionProviders__0=XNNPACK</c>,
/// <c>Inference__ProviderOptions__XNNPACK__intra_op_num_threads=2</c>, <c>Inference__OnnxRuntimePath=/opt/ort/libonnxruntime.so</c>.
/// </summary>
internal sealed class ServingOptions
{
    public const string Section = "Inference";

    /// <summary>Manifest path; relative paths resolve against the app's base directory (where the build copies models/).</summary>
    [Required]
    public string Manifest { get; set; } = "models/digits-edge.manifest.json";

    /// <summary>Preferred execution providers in order; unavailable ones are skipped with a warning and CPU is implied last.</summary>
    public List<string> ExecutionProviders { get; set; } = [];

    /// <summary>Per-provider options, keyed by provider name.</summary>
    public Dictionary<string, Dictionary<string, string>> ProviderOptions { get; set; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>A vendor ONNX Runtime library (with XNNPACK/QNN/...); the bundled CPU build is used when unset or unloadable.</summary>
    public string? OnnxRuntimePath { get; set; }

    /// <summary>One thread per inference: the models are small, latency matters and requests run side by side.</summary>
    [Range(0, 64)]
    public int IntraOpThreads { get; set; } = 1;

    /// <summary>Concurrent local inferences (pre-allocated buffer sets).</summary>
    [Range(1, 256)]
    public int Slots { get; set; } = 4;

    /// <summary>Classes each answer lists with their calibrated probabilities, best first (<c>top</c>); 0 lists none.</summary>
    [Range(0, OnnxModel.MaxTopK)]
    public int TopK { get; set; } = 3;

    [Range(1, 1L << 30)]
    public long MaxImagePixels { get; set; } = OnnxModelOptions.DefaultMaxImagePixels;

    public string ResolvedManifestPath() => Path.IsPathRooted(Manifest) ? Manifest : Path.Combine(AppContext.BaseDirectory, Manifest);

    public OnnxModelOptions ToModelOptions() => new()
    {
        // The binder appends to list defaults, so the CPU default lives here rather than in the initialiser.
        ExecutionProviders = ExecutionProviders.Count == 0 ? ["CPU"] : ExecutionProviders,
        ProviderOptions = ProviderOptions,
        OnnxRuntimePath = string.IsNullOrWhiteSpace(OnnxRuntimePath) ? null : OnnxRuntimePath,
        IntraOpThreads = IntraOpThreads,
        Slots = Slots,
        MaxBatch = 1,
        TopK = TopK,
        MaxImagePixels = MaxImagePixels,
    };
}
