namespace Edge.ModelTools.Inspection;

using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;
using Edge.Inference;
using Edge.Shared.Models;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

/// <summary>
/// Reads a user's ONNX classifier (<c>edge models inspect</c>): inputs, outputs, opset, ops and metadata, and drafts
/// a manifest with every field the graph implies. What it cannot know (normalisation, label names, colour order) is
/// listed in <see cref="InspectedModel.NotInferred"/> rather than guessed silently.
/// </summary>
public static class ModelInspector
{
    private static readonly string[] LabelKeys = ["labels", "classes", "names", "class_names"];

    /// <exception cref="ModelLoadException">Not ONNX, not loadable by ONNX Runtime, or an input Edge cannot feed.</exception>
    /// <exception cref="ArgumentException">A hint that contradicts the graph (label count, layout, colour…).</exception>
    public static InspectedModel Inspect(byte[] model, string source, InspectionHints hints)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(hints);
        var graph = OnnxGraph.Read(model, source);
        using var options = new SessionOptions { GraphOptimizationLevel = GraphOptimizationLevel.ORT_DISABLE_ALL };
        InferenceSession session;
        try
        {
            session = new InferenceSession(model, options);
        }
        catch (OnnxRuntimeException e)
        {
            throw new ModelLoadException($"ONNX Runtime cannot load '{source}': {e.Message}", e);
        }

        using (session)
        {
            var inputs = graph.Inputs.Where(session.InputMetadata.ContainsKey).Select(n => Describe(n, session.InputMetadata[n])).ToList();
            var outputs = session.OutputMetadata.Select(o => Describe(o.Key, o.Value)).ToList();
            var metadata = session.ModelMetadata.CustomMetadataMap.ToDictionary(StringComparer.Ordinal);
            var notes = new Notes();
            var input = DraftInput(inputs, source, hints, notes);
            var output = outputs.FirstOrDefault(o => o.Name == (hints.Output ?? outputs[0].Name))
                ?? throw new ArgumentException($"--output '{hints.Output}' is not an output of '{source}' (it has: {string.Join(", ", outputs.Select(o => o.Name))})");
            var node = graph.LastComputingNode(output.Name);
            var (kind, width) = DraftOutput(output, node, outputs.Count, notes);
            var labels = DraftLabels(hints.Labels, metadata, width, kind, notes);
            var draft = new ModelManifest
            {
                SchemaVersion = 2,
                Name = DraftName(source),
                Version = "1.0.0",
                Description = $"Draft by edge models inspect from {Path.GetFileName(source)}; check every field listed as not inferred.",
                File = Path.GetFileName(source),
                Sha256 = Convert.ToHexStringLower(SHA256.HashData(model)),
                SizeBytes = model.LongLength,
                Input = input,
                Output = new ModelOutput { Name = output.Name, Kind = OutputKinds.Name(kind) },
                Labels = labels,
            };
            ManifestRules.Validate(draft, "the draft manifest");
            var ops = graph.Nodes.GroupBy(n => n.OpType, StringComparer.Ordinal)
                .Select(g => KeyValuePair.Create(g.Key, g.Count())).OrderByDescending(p => p.Value).ThenBy(p => p.Key, StringComparer.Ordinal).ToList();
            var producer = session.ModelMetadata.ProducerName;
            return new InspectedModel(
                graph.Opset, string.IsNullOrEmpty(producer) ? null : producer, inputs, outputs, ops, metadata,
                node is null ? null : $"{node.OpType} '{node.Name}'", draft, notes.Inferred, notes.NotInferred);
        }
    }

    private static TensorDescription Describe(string name, NodeMetadata metadata)
    {
        var type = metadata.IsTensor ? metadata.ElementDataType switch
        {
            TensorElementType.Float => InputElementTypes.Floats,
            TensorElementType.UInt8 => InputElementTypes.Bytes,
            var other => other.ToString().ToLowerInvariant(),
        } : metadata.OnnxValueType.ToString();
        var dims = metadata.IsTensor ? metadata.Dimensions.Select(d => (long)d).ToList() : [];
        var names = metadata.IsTensor ? metadata.SymbolicDimensions.ToList() : [];
        return new TensorDescription(name, type, dims, names);
    }

    private static ModelInput DraftInput(List<TensorDescription> inputs, string source, InspectionHints hints, Notes notes)
    {
        if (inputs.Count != 1)
        {
            throw new ModelLoadException($"'{source}' has {inputs.Count} inputs ({string.Join(", ", inputs.Select(i => i.Name))}); Edge feeds a model exactly one");
        }

        var input = inputs[0];
        if (input.ElementType is not (InputElementTypes.Floats or InputElementTypes.Bytes))
        {
            throw new ModelLoadException($"'{source}' input '{input.Name}' is {input.ElementType}; Edge feeds float32 or uint8 tensors");
        }

        var shape = input.Shape.ToArray();
        var layout = hints.Layout ?? GuessLayout(shape, notes);
        if (layout is not (InputLayouts.Nchw or InputLayouts.Nhwc or InputLayouts.Flat))
        {
            throw new ArgumentException($"--layout '{layout}' must be {InputLayouts.Accepted}");
        }

        if (hints.Layout is not null)
        {
            notes.Inferred.Add($"input.layout {layout}: from --layout");
        }

        shape = FixDims(shape, layout, input, hints, notes);
        var channels = layout switch { InputLayouts.Nhwc => shape[3], InputLayouts.Flat => 1, _ => shape[1] };
        var bytes = input.ElementType == InputElementTypes.Bytes;
        var draft = new ModelInput
        {
            Name = input.Name,
            Shape = shape,
            Layout = layout,
            ElementType = input.ElementType,
            ColorSpace = channels == 3 ? Color(hints.Color, notes) : "gray",
            Resize = layout == InputLayouts.Flat ? ResizeModes.Stretch : Resize(hints.Resize, notes),
            Preprocess = Preprocess(hints, bytes, (int)channels, layout, notes),
        };
        return draft;
    }

    /// <summary>Rank 2 is a flat vector; rank 4 is NCHW or NHWC by where the 1- or 3-channel axis sits.</summary>
    private static string GuessLayout(long[] shape, Notes notes)
    {
        switch (shape.Length)
        {
            case 2:
                notes.Inferred.Add("input.layout NF: a rank-2 input is a flat feature vector");
                return InputLayouts.Flat;
            case 4:
                var first = shape[1] is 1 or 3;
                var last = shape[3] is 1 or 3;
                if (first && !last)
                {
                    notes.Inferred.Add($"input.layout NCHW: {shape[1]} channel(s) on axis 1");
                    return InputLayouts.Nchw;
                }

                if (last && !first)
                {
                    notes.Inferred.Add($"input.layout NHWC: {shape[3]} channel(s) on axis 3 (TensorFlow style)");
                    return InputLayouts.Nhwc;
                }

                notes.NotInferred.Add("input.layout: NCHW assumed, the shape does not say where the channels are; pass --layout NHWC if they come last");
                return InputLayouts.Nchw;
            default:
                throw new ModelLoadException(
                    $"the input has rank {shape.Length}; Edge feeds images as NCHW or NHWC (rank 4) and vectors as [N,F] (rank 2)");
        }
    }

    private static long[] FixDims(long[] shape, string layout, TensorDescription input, InspectionHints hints, Notes notes)
    {
        if ((layout == InputLayouts.Flat && shape.Length != 2) || (layout != InputLayouts.Flat && shape.Length != 4))
        {
            throw new ArgumentException($"--layout {layout} does not fit the input's rank-{shape.Length} shape {input}");
        }

        shape[0] = shape[0] == 1 ? 1 : -1;
        var (h, w) = layout switch { InputLayouts.Nhwc => (1, 2), InputLayouts.Nchw => (2, 3), _ => (-1, 1) };
        if (layout == InputLayouts.Flat)
        {
            return shape[1] > 0 ? shape : throw new ModelLoadException($"the input's feature count is dynamic ({input}); Edge needs a fixed [N,F]");
        }

        var c = layout == InputLayouts.Nhwc ? 3 : 1;
        if (shape[c] <= 0)
        {
            throw new ModelLoadException($"the input's channel count is dynamic ({input}); re-export with 1 or 3 channels");
        }

        if (shape[h] > 0 && shape[w] > 0)
        {
            return shape;
        }

        if (hints.Height is { } height && hints.Width is { } width)
        {
            (shape[h], shape[w]) = (height, width);
            notes.Inferred.Add($"input.shape: {height}×{width} from --height/--width (the graph's are dynamic)");
            return shape;
        }

        throw new ArgumentException($"the input's height and width are dynamic ({input}); pass --height and --width with the size the model was trained at");
    }

    private static string Color(string? hint, Notes notes)
    {
        if (hint is null)
        {
            notes.NotInferred.Add("input.colorSpace: rgb assumed; pass --color bgr for OpenCV- or Caffe-trained models");
            return "rgb";
        }

        return hint is "rgb" or "bgr" ? hint : throw new ArgumentException($"--color '{hint}' must be rgb or bgr");
    }

    private static string Resize(string? hint, Notes notes)
    {
        if (hint is null)
        {
            notes.NotInferred.Add("input.resize: stretch assumed; pass --resize letterbox or centerCrop if training kept the aspect ratio");
            return ResizeModes.Stretch;
        }

        return hint is ResizeModes.Stretch or ResizeModes.Letterbox or ResizeModes.CenterCrop
            ? hint
            : throw new ArgumentException($"--resize '{hint}' must be stretch, letterbox or centerCrop");
    }

    private static Preprocess Preprocess(InspectionHints hints, bool bytes, int channels, string layout, Notes notes)
    {
        if (bytes && hints.Scale is null && hints.Mean is null && hints.Std is null)
        {
            // Raw 0..255 values reach a uint8 model as they are; images (read as 0..1) are scaled back up by std.
            notes.Inferred.Add("input.preprocess: uint8 input takes 0..255 values as they are");
            return new Preprocess { RawScale = 1f / 255f, Mean = [0f], Std = [1f / 255f] };
        }

        var mean = PerChannel(hints.Mean, "--mean", channels, layout, 0f);
        var std = PerChannel(hints.Std, "--std", channels, layout, 1f);
        if (std.Any(s => !(s > 0) || !float.IsFinite(s)) || mean.Any(m => !float.IsFinite(m)))
        {
            throw new ArgumentException("--std values must be positive and --mean values finite");
        }

        if (hints.Scale is { } scale && !(scale > 0 && float.IsFinite(scale)))
        {
            throw new ArgumentException($"--scale {scale} must be a positive number");
        }

        if (hints.Mean is null || hints.Std is null)
        {
            notes.NotInferred.Add("input.preprocess.mean/std: 0 and 1 assumed; pass --mean and --std from your training transforms (ImageNet: --mean 0.485,0.456,0.406 --std 0.229,0.224,0.225)");
        }

        if (hints.Scale is null && layout == InputLayouts.Flat)
        {
            notes.NotInferred.Add("input.preprocess.rawScale: 1 assumed (raw tensor values go in unscaled); pass --scale");
        }

        return new Preprocess { RawScale = hints.Scale ?? 1f, Mean = mean, Std = std };
    }

    private static float[] PerChannel(IReadOnlyList<float>? values, string flag, int channels, string layout, float fallback)
    {
        if (values is null)
        {
            return [fallback];
        }

        var width = layout == InputLayouts.Flat ? 1 : channels;
        return values.Count == 1 || values.Count == width
            ? [.. values]
            : throw new ArgumentException($"{flag} has {values.Count} values; give 1 or one per channel ({width})");
    }

    private static (OutputKind Kind, int Width) DraftOutput(TensorDescription output, OnnxNode? node, int outputCount, Notes notes)
    {
        if (output.ElementType != InputElementTypes.Floats)
        {
            throw new ModelLoadException($"output '{output.Name}' is {output.ElementType}; Edge scores float32 class scores");
        }

        var width = output.Shape.Count == 0 ? -1 : (int)output.Shape[^1];
        var kind = OutputKinds.FromOp(node?.OpType);
        if (kind is { } fromGraph)
        {
            notes.Inferred.Add($"output.kind {OutputKinds.Name(fromGraph)}: the output is computed by {node!.OpType} '{node.Name}'");
        }
        else
        {
            notes.Inferred.Add($"output.kind logits: the output comes from {(node is null ? "no computing node" : $"{node.OpType} '{node.Name}'")}, not a Softmax, LogSoftmax or Sigmoid");
        }

        if (outputCount > 1)
        {
            notes.NotInferred.Add($"output.name: '{output.Name}' chosen of {outputCount} outputs; pass --output to score another");
        }

        var resolved = kind ?? OutputKind.Logits;
        if (resolved == OutputKind.Sigmoid && width > 1)
        {
            throw new ModelLoadException($"output '{output.Name}' has {width} sigmoid values (multi-label); Edge scores one sigmoid (OK/NG) or a class distribution");
        }

        return (resolved, resolved == OutputKind.Sigmoid ? 2 : width);
    }

    private static string[] DraftLabels(IReadOnlyList<string>? hint, Dictionary<string, string> metadata, int width, OutputKind kind, Notes notes)
    {
        if (hint is not null)
        {
            if (width > 0 && hint.Count != width)
            {
                throw new ArgumentException($"--labels has {hint.Count} labels but the output has {width} classes{(kind == OutputKind.Sigmoid ? " (a sigmoid output: negative, positive)" : string.Empty)}");
            }

            notes.Inferred.Add($"labels: {hint.Count} from --labels");
            return [.. hint];
        }

        foreach (var key in LabelKeys)
        {
            if (metadata.TryGetValue(key, out var value) && ParseLabels(value) is { } labels && (width <= 0 || labels.Length == width))
            {
                notes.Inferred.Add($"labels: {labels.Length} from the model's '{key}' metadata");
                return labels;
            }
        }

        if (width <= 0)
        {
            throw new ArgumentException("the output's class count is dynamic; pass --labels FILE (one label a line)");
        }

        notes.NotInferred.Add($"labels: \"0\"…\"{width - 1}\" as placeholders; pass --labels FILE with one label a line, in class-index order");
        return [.. Enumerable.Range(0, width).Select(i => i.ToString(CultureInfo.InvariantCulture))];
    }

    /// <summary>A JSON array, a JSON object of index → name (Ultralytics style), or a comma-separated list.</summary>
    private static string[]? ParseLabels(string value)
    {
        try
        {
            using var document = JsonDocument.Parse(value.Replace('\'', '"'));
            return document.RootElement.ValueKind switch
            {
                JsonValueKind.Array => [.. document.RootElement.EnumerateArray().Select(e => e.ToString())],
                JsonValueKind.Object => [.. document.RootElement.EnumerateObject().OrderBy(p => int.TryParse(p.Name, out var i) ? i : int.MaxValue).Select(p => p.Value.ToString())],
                _ => null,
            };
        }
        catch (JsonException)
        {
            var parts = value.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
            return parts.Length > 1 ? parts : null;
        }
    }

    private static string DraftName(string source)
    {
        var stem = Path.GetFileNameWithoutExtension(source).ToLowerInvariant();
        var name = new string([.. stem.Select(c => char.IsAsciiLetterOrDigit(c) ? c : '-')]).Trim('-');
        return name.Length == 0 ? "model" : name;
    }

    private sealed class Notes
    {
        public List<string> Inferred { get; } = [];

        public List<string> NotInferred { get; } = [];
    }
}
