namespace Edge.ModelTools.Inspection;

/// <summary>What only the model's owner knows, as their training code says it (the <c>edge models inspect</c> flags).</summary>
public sealed class InspectionHints
{
    /// <summary>One label per output class, in class-index order.</summary>
    public IReadOnlyList<string>? Labels { get; init; }

    /// <summary>Multiplies raw tensor values before normalising (1/255 for 0..255 pixels).</summary>
    public float? Scale { get; init; }

    public IReadOnlyList<float>? Mean { get; init; }

    public IReadOnlyList<float>? Std { get; init; }

    /// <summary><c>NCHW</c>, <c>NHWC</c> or <c>NF</c>.</summary>
    public string? Layout { get; init; }

    /// <summary><c>rgb</c> or <c>bgr</c> (OpenCV- and Caffe-trained models).</summary>
    public string? Color { get; init; }

    /// <summary><c>stretch</c>, <c>letterbox</c> or <c>centerCrop</c>.</summary>
    public string? Resize { get; init; }

    /// <summary>Which output to score, for a model with several.</summary>
    public string? Output { get; init; }

    /// <summary>Fixed input height and width for a model whose spatial dimensions are dynamic.</summary>
    public int? Height { get; init; }

    public int? Width { get; init; }
}
