namespace Edge.Inference;

using Edge.Shared.Models;

/// <summary>What a manifest must say before a session is worth creating.</summary>
public static class ManifestRules
{
    /// <summary>Values per sample at most: 64 Mi floats (a 4096 × 4096 RGB image is 48 Mi), far beyond edge models.</summary>
    public const long MaxSampleValues = 64L * 1024 * 1024;

    public static void Validate(ModelManifest manifest, string path)
    {
        var problem = Check(manifest);
        if (problem is not null)
        {
            throw new ModelLoadException($"model manifest '{path}' is invalid: {problem}");
        }
    }

    private static string? Check(ModelManifest m)
    {
        if (string.IsNullOrWhiteSpace(m.File))
        {
            return "file is missing";
        }

        if (m.Input?.Shape is not { } shape)
        {
            return "input.shape is missing";
        }

        if (m.Input.Layout is not (InputLayouts.Nchw or InputLayouts.Nhwc or InputLayouts.Flat))
        {
            return $"input.layout '{m.Input.Layout}' must be {InputLayouts.Accepted}";
        }

        if (m.Input.Layout == InputLayouts.Flat)
        {
            if (shape is not [-1 or >= 1, >= 1])
            {
                return $"input.shape [{string.Join(',', shape)}] must be [N or -1, F] for layout NF";
            }
        }
        else if (shape is not { Length: 4 })
        {
            return $"input.shape [{string.Join(',', shape)}] must have 4 dimensions for layout {m.Input.Layout} (use NF for a flat [N,F] vector)";
        }
        else if (shape[0] is not (-1 or >= 1) || m.Input.Channels is not (1 or 3) || m.Input.Height < 1 || m.Input.Width < 1)
        {
            return m.Input.Layout == InputLayouts.Nhwc
                ? $"input.shape [{string.Join(',', shape)}] must be [N or -1, H, W, 1 or 3] for layout NHWC"
                : $"input.shape [{string.Join(',', shape)}] must be [N or -1, 1 or 3, H, W] for layout NCHW";
        }

        if (shape.Skip(1).Any(d => d > int.MaxValue) || shape.Skip(1).Aggregate(1L, (a, d) => a * Math.Max(d, 1)) is > MaxSampleValues or < 1)
        {
            return $"input.shape [{string.Join(',', shape)}] holds more than {MaxSampleValues} values per sample";
        }

        if (m.Input.ElementType is not (InputElementTypes.Floats or InputElementTypes.Bytes))
        {
            return $"input.elementType '{m.Input.ElementType}' must be 'float32' or 'uint8'";
        }

        if (m.Input.Resize is not (ResizeModes.Stretch or ResizeModes.Letterbox or ResizeModes.CenterCrop))
        {
            return $"input.resize '{m.Input.Resize}' must be 'stretch', 'letterbox' or 'centerCrop'";
        }

        if (!(m.Input.PadValue >= 0 && m.Input.PadValue <= 1))
        {
            return $"input.padValue {m.Input.PadValue} must be a pixel value in [0, 1]";
        }

        if (m.Input.ColorSpace is not ("gray" or "rgb" or "bgr"))
        {
            return $"input.colorSpace '{m.Input.ColorSpace}' must be 'gray', 'rgb' or 'bgr'";
        }

        if (m.Input.ColorSpace != "gray" != (m.Input.Channels == 3))
        {
            return $"input.colorSpace '{m.Input.ColorSpace}' does not match {m.Input.Channels} channel(s)";
        }

        var p = m.Input.Preprocess;
        if (p is null || p.Mean.Length is 0 || p.Std.Length is 0)
        {
            return "input.preprocess needs mean and std";
        }

        // Per channel for images; per feature for a flat vector (standardised tabular data).
        var perValue = m.Input.Layout == InputLayouts.Flat ? m.Input.Width : m.Input.Channels;
        if ((p.Mean.Length != 1 && p.Mean.Length != perValue) || (p.Std.Length != 1 && p.Std.Length != perValue))
        {
            return $"input.preprocess mean/std need 1 or {perValue} values";
        }

        // 1 / std must be finite too: a denormal std (1e-45) would turn every input into infinities and NaN.
        if (p.Std.Any(s => !(s > 0) || float.IsInfinity(s) || !float.IsFinite(1f / s)) || p.Mean.Any(v => !float.IsFinite(v)) || !float.IsFinite(p.RawScale))
        {
            return "input.preprocess values must be finite and std positive";
        }

        if (m.Labels is not { Length: > 0 })
        {
            return "labels are missing";
        }

        if (m.Output?.Kind is { } kind && !OutputKinds.TryParse(kind, out _))
        {
            return $"output.kind '{kind}' must be {OutputKinds.Accepted}";
        }

        if (m.Output?.Kind == OutputKinds.Sigmoid && m.Labels.Length != 2)
        {
            return $"a sigmoid output needs exactly 2 labels (the first for sigmoid → 0, the second for → 1), got {m.Labels.Length}";
        }

        if (!(m.Temperature > 0) || double.IsInfinity(m.Temperature))
        {
            return $"temperature {m.Temperature} must be a positive number";
        }

        return string.IsNullOrWhiteSpace(m.Input.Name) || string.IsNullOrWhiteSpace(m.Output?.Name)
            ? "input.name and output.name are required"
            : null;
    }
}
