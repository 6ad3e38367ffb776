namespace Edge.Inference;

/// <summary>How to build a session for one model. Plain settable properties so hosts can bind it from configuration.</summary>
public sealed class OnnxModelOptions
{
    /// <summary>16 MP: a 4K frame fits, a decompression bomb does not.</summary>
    public const long DefaultMaxImagePixels = ImageDecoder.DefaultMaxPixels;

    /// <summary>Execution providers in order of preference (e.g. <c>XNNPACK</c>, <c>CPU</c>); CPU is always implied last.</summary>
    public IList<string> ExecutionProviders { get; set; } = ["CPU"];

    /// <summary>Per-provider session options, keyed by provider name (e.g. <c>XNNPACK: { intra_op_num_threads: "2" }</c>).</summary>
    public IDictionary<string, Dictionary<string, string>> ProviderOptions { get; set; } =
        new Dictionary<string, Dictionary<string, string>>(StringComparer.OrdinalIgnoreCase);

    /// <summary>A vendor <c>libonnxruntime.so</c> to use instead of the bundled one (process-wide, first load wins).</summary>
    public string? OnnxRuntimePath { get; set; }

    /// <summary>Threads per inference; 0 lets ONNX Runtime use every core.</summary>
    public int IntraOpThreads { get; set; } = 1;

    /// <summary>Concurrent inferences: each slot owns pre-allocated input and output buffers.</summary>
    public int Slots { get; set; } = 4;

    /// <summary>Largest batch one slot can run; needs a dynamic batch dimension in the model when above 1.</summary>
    public int MaxBatch { get; set; } = 1;

    /// <summary>Classes a <see cref="Prediction"/> lists with their calibrated probabilities (at most the model's); 0 lists none.</summary>
    public int TopK { get; set; } = 3;

    /// <summary>Decoded images above this many pixels are refused before decoding.</summary>
    public long MaxImagePixels { get; set; } = DefaultMaxImagePixels;

    /// <summary>Runs the manifest's golden samples at load and refuses a model whose top-1 answers differ.</summary>
    public bool VerifyGolden { get; set; } = true;

    /// <summary>The clock run times are measured with; the system clock when null.</summary>
    public TimeProvider? TimeProvider { get; set; }
}
