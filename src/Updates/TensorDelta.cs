namespace Edge.Updates;

using System.Runtime.InteropServices;
using System.Text;

/// <summary>
/// The tensor-aware part of a delta: every initializer whose name exists in the base with a raw_data of the same
/// length is stored as (target − base) mod 256. The rule needs only the residual and the base, because the residual
/// has the target's exact protobuf structure (only tensor contents change).
/// </summary>
internal static class TensorDelta
{
    private const ulong High = 0x8080808080808080UL;

    /// <summary>Turns a copy of the target into the residual, in place.</summary>
    public static int Subtract(Span<byte> target, ReadOnlySpan<byte> baseModel) => Apply(target, baseModel, subtract: true);

    /// <summary>Turns a decompressed residual back into the target, in place.</summary>
    public static int Add(Span<byte> residual, ReadOnlySpan<byte> baseModel) => Apply(residual, baseModel, subtract: false);

    private static int Apply(Span<byte> file, ReadOnlySpan<byte> baseModel, bool subtract)
    {
        var fileTensors = new List<OnnxWalker.Initializer>();
        var baseTensors = new List<OnnxWalker.Initializer>();
        if (!OnnxWalker.TryWalk(file, fileTensors) || !OnnxWalker.TryWalk(baseModel, baseTensors))
        {
            return 0;
        }

        var byName = new Dictionary<string, OnnxWalker.Initializer>(baseTensors.Count, StringComparer.Ordinal);
        foreach (var tensor in baseTensors)
        {
            // First occurrence wins; duplicate names are invalid ONNX but must still decode the same way they encoded.
            byName.TryAdd(Name(baseModel, tensor), tensor);
        }

        var matched = 0;
        foreach (var tensor in fileTensors)
        {
            if (byName.TryGetValue(Name(file, tensor), out var from) && from.DataLength == tensor.DataLength)
            {
                var data = file.Slice(tensor.DataStart, tensor.DataLength);
                var reference = baseModel.Slice(from.DataStart, from.DataLength);
                if (subtract)
                {
                    SubtractInPlace(data, reference);
                }
                else
                {
                    AddInPlace(data, reference);
                }

                matched++;
            }
        }

        return matched;
    }

    private static string Name(ReadOnlySpan<byte> file, OnnxWalker.Initializer tensor) =>
        Encoding.UTF8.GetString(file.Slice(tensor.NameStart, tensor.NameLength));

    private static void SubtractInPlace(Span<byte> data, ReadOnlySpan<byte> reference)
    {
        var i = 0;
        var words = MemoryMarshal.Cast<byte, ulong>(data);
        var refWords = MemoryMarshal.Cast<byte, ulong>(reference);
        for (; i < words.Length; i++)
        {
            words[i] = SubBytes(words[i], refWords[i]);
        }

        for (i *= sizeof(ulong); i < data.Length; i++)
        {
            data[i] = (byte)(data[i] - reference[i]);
        }
    }

    private static void AddInPlace(Span<byte> data, ReadOnlySpan<byte> reference)
    {
        var i = 0;
        var words = MemoryMarshal.Cast<byte, ulong>(data);
        var refWords = MemoryMarshal.Cast<byte, ulong>(reference);
        for (; i < words.Length; i++)
        {
            words[i] = AddBytes(words[i], refWords[i]);
        }

        for (i *= sizeof(ulong); i < data.Length; i++)
        {
            data[i] = (byte)(data[i] + reference[i]);
        }
    }

    // SWAR: eight independent byte additions/subtractions mod 256 per 64-bit word, no carries across bytes.
    private static ulong AddBytes(ulong a, ulong b) => ((a & ~High) + (b & ~High)) ^ ((a ^ b) & High);

    private static ulong SubBytes(ulong a, ulong b) => ((a | High) - (b & ~High)) ^ ((a ^ ~b) & High);
}
