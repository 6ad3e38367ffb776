namespace Edge.Shared.Models;

using System.Text.Json.Serialization;

/// <summary>
/// Describes one model file: how to feed it, how to read it, and how to calibrate its scores.
/// Produced by <c>tools/models</c> (and later the cloud's packager); read by both sides.
/// </summary>
public sealed class ModelManifest
{
    public int SchemaVersion { get; set; } = 1;

    public required string Name { get; set; }

    public required string Version { get; set; }

    public string? Description { get; set; }

    /// <summary>The ONNX file, relative to the manifest.</summary>
    public required string File { get; set; }

    /// <summary>Lowercase hex SHA-256 of the ONNX file.</summary>
    public string? Sha256 { get; set; }

    public long SizeBytes { get; set; }

    public required ModelInput Input { get; set; }

    public required ModelOutput Output { get; set; }

    public required string[] Labels { get; set; }

    /// <summary>
    /// Temperature fitted on a calibration split, applied in log space: softmax(logits / T), softmax(log p / T) for
    /// probabilities, sigmoid(log-odds / T) for a sigmoid output.
    /// </summary>
    public double Temperature { get; set; } = 1.0;

    public ModelMetrics? Metrics { get; set; }

    /// <summary>How the cloud's publish pipeline derived this file from an FP32 upload; absent for files published as is.</summary>
    public ModelQuantization? Quantization { get; set; }

    public GoldenSample[] Golden { get; set; } = [];
}

public sealed class ModelInput
{
    public required string Name { get; set; }

    /// <summary>The model's own input shape in its <see cref="Layout"/>; -1 marks the dynamic batch dimension.</summary>
    public required long[] Shape { get; set; }

    /// <summary>
    /// <c>NCHW</c> (PyTorch, Paddle), <c>NHWC</c> (TensorFlow and TFLite conversions) or <c>NF</c>: a flat vector of F
    /// features per sample (sensor and tabular data), which takes tensors only.
    /// </summary>
    public string Layout { get; set; } = InputLayouts.Nchw;

    /// <summary><c>float32</c> or <c>uint8</c> (values are rounded and clamped to 0..255 after preprocessing).</summary>
    public string ElementType { get; set; } = InputElementTypes.Floats;

    /// <summary><c>gray</c>, <c>rgb</c> or <c>bgr</c> (the order an image's channels are written in; tensors are taken as sent).</summary>
    public string ColorSpace { get; set; } = "gray";

    public required Preprocess Preprocess { get; set; }

    /// <summary>
    /// How an image of another aspect ratio fits the input: <c>stretch</c> (default), <c>letterbox</c> (kept whole at
    /// its aspect ratio, centred, the rest <see cref="PadValue"/>) or <c>centerCrop</c> (its centre, cut to the input's
    /// aspect ratio). Tensors are resized as sent.
    /// </summary>
    public string Resize { get; set; } = ResizeModes.Stretch;

    /// <summary>Letterbox padding as a pixel value in [0, 1] (after inversion, before mean/std): 114/255 for YOLO-style models.</summary>
    public float PadValue { get; set; }

    [JsonIgnore]
    public int Channels => Layout switch
    {
        InputLayouts.Nhwc => (int)Shape[3],
        InputLayouts.Flat => 1,
        _ => (int)Shape[1],
    };

    /// <summary>Image rows; 1 for a flat vector.</summary>
    [JsonIgnore]
    public int Height => Layout switch
    {
        InputLayouts.Nhwc => (int)Shape[1],
        InputLayouts.Flat => 1,
        _ => (int)Shape[2],
    };

    /// <summary>Image columns; the feature count for a flat vector.</summary>
    [JsonIgnore]
    public int Width => Layout switch
    {
        InputLayouts.Nhwc => (int)Shape[2],
        InputLayouts.Flat => (int)Shape[1],
        _ => (int)Shape[3],
    };
}

/// <summary>The input layouts a manifest may name.</summary>
public static class InputLayouts
{
    public const string Nchw = "NCHW";

    public const string Nhwc = "NHWC";

    public const string Flat = "NF";

    public const string Accepted = "'NCHW', 'NHWC' or 'NF'";
}

/// <summary>The resize modes a manifest may name.</summary>
public static class ResizeModes
{
    public const string Stretch = "stretch";

    public const string Letterbox = "letterbox";

    public const string CenterCrop = "centerCrop";
}

/// <summary>The input element types a manifest may name.</summary>
public static class InputElementTypes
{
    public const string Floats = "float32";

    public const string Bytes = "uint8";
}

/// <summary>raw × rawScale (tensors) or pixel/255, optionally inverted (images) → resize → (x − mean[c]) / std[c].</summary>
public sealed class Preprocess
{
    public float RawScale { get; set; } = 1f;

    public bool InvertImage { get; set; }

    public float[] Mean { get; set; } = [0f];

    public float[] Std { get; set; } = [1f];
}

public sealed class ModelOutput
{
    public required string Name { get; set; }

    /// <summary>
    /// Schema 2: what the output holds: <c>logits</c>, <c>probabilities</c> (a final Softmax), <c>logProbabilities</c>
    /// (a final LogSoftmax) or <c>sigmoid</c> (one value, the probability of the second label). Absent: read from the
    /// graph's last node.
    /// </summary>
    public string? Kind { get; set; }
}

public sealed class ModelMetrics
{
    public double? HeldOutAccuracy { get; set; }

    public int? HeldOutCount { get; set; }

    public long? Parameters { get; set; }

    public double? EceBefore { get; set; }

    public double? EceAfter { get; set; }

    public double? NllBefore { get; set; }

    public double? NllAfter { get; set; }

    /// <summary>Held-out top-1 (0..1) of the FP32 model the cloud received.</summary>
    public double? Fp32Accuracy { get; set; }

    /// <summary>Held-out top-1 (0..1) of the INT8 model the cloud published.</summary>
    public double? Int8Accuracy { get; set; }

    /// <summary>Share (0..1) of held-out samples on which INT8 and FP32 give the same top-1.</summary>
    public double? Int8Agreement { get; set; }

    /// <summary>Top-1 (0..1) of the published file on the cloud's own reference set for this name (the accuracy floor's measure).</summary>
    public double? ReferenceAccuracy { get; set; }

    /// <summary>Samples of the reference set <see cref="ReferenceAccuracy"/> was measured on.</summary>
    public int? ReferenceCount { get; set; }

    /// <summary>The floor the reference set demanded when this version was published.</summary>
    public double? ReferenceFloor { get; set; }
}

/// <summary>A held-out sample with the exporter's answer, for on-device self-tests.</summary>
public sealed class GoldenSample
{
    public required float[] Pixels { get; set; }

    public int ExpectedTop1 { get; set; }

    public float[] Logits { get; set; } = [];
}
