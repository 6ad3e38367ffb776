namespace Edge.Inference;

using Edge.Shared.Models;

/// <summary>What a manifest must say before a session is worth creating.</summary>
public static class ManifestRules
{
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

        if (m.Input?.Shape is not { Length: 4 } shape)
        {
            return "input.shape must have 4 dimensions (NCHW)";
        }

        if (!string.Equals(m.Input.Layout, "NCHW", StringComparison.OrdinalIgnoreCase))
        {
            return $"input.layout '{m.Input.Layout}' is not supported (only NCHW)";
        }

        if (shape[0] is not (-1 or >= 1) || shape[1] is not (1 or 3) || shape[2] < 1 || shape[3] < 1)
        {
            return $"input.shape [{string.Join(',', shape)}] must be [N or -1, 1 or 3, H, W]";
        }

        if (m.Input.ColorSpace is not ("gray" or "rgb"))
        {
            return $"input.colorSpace '{m.Input.ColorSpace}' must be 'gray' or 'rgb'";
        }

        if (m.Input.ColorSpace == "rgb" != (shape[1] == 3))
        {
            return $"input.colorSpace '{m.Input.ColorSpace}' does not match {shape[1]} channel(s)";
        }

        var p = m.Input.Preprocess;
        if (p is null || p.Mean.Length is 0 || p.Std.Length is 0)
        {
            return "input.preprocess needs mean and std";
        }

        if ((p.Mean.Length != 1 && p.Mean.Length != shape[1]) || (p.Std.Length != 1 && p.Std.Length != shape[1]))
        {
            return $"input.preprocess mean/std need 1 or {shape[1]} values";
        }

        if (p.Std.Any(s => !(s > 0) || float.IsInfinity(s)) || p.Mean.Any(v => !float.IsFinite(v)) || !float.IsFinite(p.RawScale))
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
