namespace Edge.Updates.Tests.Support;

using System.Text;

/// <summary>
/// Rewrites an ONNX file's initializers at the protobuf level (the tests need models with renamed, resized, added
/// and removed tensors, and Edge.Updates deliberately has no ONNX dependency). Every other byte is copied as is.
/// </summary>
internal static class OnnxEdit
{
    /// <summary><paramref name="map"/> returns the new (name, raw data) of an initializer, or null to drop it.</summary>
    public static byte[] Rewrite(byte[] model, Func<string, byte[], (string Name, byte[] Data)?> map, params (string Name, byte[] Data)[] added)
    {
        var output = new MemoryStream();
        foreach (var field in Fields(model))
        {
            if (field.Number == 7)
            {
                var graph = new MemoryStream();
                foreach (var g in Fields(field.Value))
                {
                    if (g.Number != 5)
                    {
                        graph.Write(g.Raw);
                        continue;
                    }

                    var name = Encoding.UTF8.GetString(Fields(g.Value).LastOrDefault(f => f.Number == 8).Value ?? []);
                    var data = Fields(g.Value).LastOrDefault(f => f.Number == 9).Value ?? [];
                    if (map(name, data) is { } replacement)
                    {
                        WriteBytes(graph, 5, Tensor(g.Value, replacement.Name, replacement.Data));
                    }
                }

                foreach (var (name, data) in added)
                {
                    WriteBytes(graph, 5, Tensor([], name, data));
                }

                WriteBytes(output, 7, graph.ToArray());
            }
            else
            {
                output.Write(field.Raw);
            }
        }

        return output.ToArray();
    }

    public static IReadOnlyDictionary<string, byte[]> Initializers(byte[] model)
    {
        var graph = Fields(model).Single(f => f.Number == 7).Value;
        return Fields(graph).Where(f => f.Number == 5).ToDictionary(
            t => Encoding.UTF8.GetString(Fields(t.Value).Last(f => f.Number == 8).Value),
            t => Fields(t.Value).LastOrDefault(f => f.Number == 9).Value ?? []);
    }

    private static byte[] Tensor(byte[] original, string name, byte[] data)
    {
        var tensor = new MemoryStream();
        foreach (var f in Fields(original).Where(f => f.Number is not (8 or 9)))
        {
            tensor.Write(f.Raw);
        }

        WriteBytes(tensor, 8, Encoding.UTF8.GetBytes(name));
        WriteBytes(tensor, 9, data);
        return tensor.ToArray();
    }

    private static void WriteBytes(MemoryStream stream, int field, byte[] value)
    {
        WriteVarint(stream, ((ulong)field << 3) | 2);
        WriteVarint(stream, (ulong)value.Length);
        stream.Write(value);
    }

    private static void WriteVarint(MemoryStream stream, ulong value)
    {
        for (; value >= 0x80; value >>= 7)
        {
            stream.WriteByte((byte)(value | 0x80));
        }

        stream.WriteByte((byte)value);
    }

    private static List<Field> Fields(byte[] bytes)
    {
        var fields = new List<Field>();
        var pos = 0;
        while (pos < bytes.Length)
        {
            var start = pos;
            var tag = ReadVarint(bytes, ref pos);
            byte[]? value = null;
            switch (tag & 7)
            {
                case 0: ReadVarint(bytes, ref pos); break;
                case 1: pos += 8; break;
                case 5: pos += 4; break;
                case 2:
                    var length = (int)ReadVarint(bytes, ref pos);
                    value = bytes[pos..(pos + length)];
                    pos += length;
                    break;
                default: throw new InvalidDataException($"wire type {tag & 7} at {start}");
            }

            fields.Add(new Field((int)(tag >> 3), value!, bytes[start..pos]));
        }

        return fields;
    }

    private static ulong ReadVarint(byte[] bytes, ref int pos)
    {
        ulong value = 0;
        for (var shift = 0; ; shift += 7)
        {
            var b = bytes[pos++];
            value |= (ulong)(b & 0x7F) << shift;
            if (b < 0x80)
            {
                return value;
            }
        }
    }

    private readonly record struct Field(int Number, byte[] Value, byte[] Raw);
}
