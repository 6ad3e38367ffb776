namespace Edge.Updates.Tests.Support;

using System.Text.Json;
using Edge.Shared.Models;
using Edge.Shared.Serialization;
using Edge.TestSupport;

internal static class Models
{
    public static byte[] Bytes(string name) => File.ReadAllBytes(RepoPaths.Model(name + ".onnx"));

    public static ModelManifest Manifest(string name) =>
        JsonSerializer.Deserialize(File.ReadAllBytes(RepoPaths.Model(name + ".manifest.json")), EdgeJsonContext.Default.ModelManifest)!;

    /// <summary>
    /// The weight bytes an INT8 export would carry: every float tensor of at least 1 KiB replaced by symmetric per-tensor
    /// int8 values (scale = max |w| / 127). The graph is no longer runnable, but the tensors change between two fine-tuned
    /// versions exactly as a quantizer's would, which is what the delta sees (ModelTools' quantizer is internal to it).
    /// </summary>
    public static byte[] QuantizeWeightsInt8(byte[] model) => OnnxEdit.Rewrite(model, (name, data) =>
    {
        if (data.Length < 1024 || data.Length % 4 != 0)
        {
            return (name, data);
        }

        var weights = System.Runtime.InteropServices.MemoryMarshal.Cast<byte, float>(data);
        var max = 0f;
        foreach (var w in weights)
        {
            max = Math.Max(max, Math.Abs(w));
        }

        var scale = max > 0 ? max / 127f : 1f;
        var int8 = new byte[weights.Length];
        for (var i = 0; i < weights.Length; i++)
        {
            int8[i] = (byte)(sbyte)Math.Clamp(MathF.Round(weights[i] / scale), -127, 127);
        }

        return (name, int8);
    });

    /// <summary>Changes every <paramref name="stride"/>-th byte of each tensor by one: a small, deterministic fine-tune.</summary>
    public static byte[] NudgeTensors(byte[] model, int stride) => OnnxEdit.Rewrite(model, (name, data) =>
    {
        var copy = (byte[])data.Clone();
        for (var i = 0; i < copy.Length; i += stride)
        {
            copy[i]++;
        }

        return (name, copy);
    });
}
