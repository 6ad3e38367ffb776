namespace Edge.Updates;

using System.Buffers.Binary;

/// <summary>Reads a zstd frame header (RFC 8878 §3.1.1) for the content size it declares, before any decoding.</summary>
internal static class ZstdFrame
{
    private const uint Magic = 0xFD2FB528;

    /// <summary>The first frame's Frame_Content_Size, or null when the header is absent, unreadable or omits it.</summary>
    public static ulong? ContentSize(ReadOnlySpan<byte> payload)
    {
        if (payload.Length < 5 || BinaryPrimitives.ReadUInt32LittleEndian(payload) != Magic)
        {
            return null;
        }

        var descriptor = payload[4];
        var sizeFlag = descriptor >> 6;
        var singleSegment = (descriptor & 0x20) != 0;
        var position = 5 + (singleSegment ? 0 : 1) + (descriptor & 3) switch { 0 => 0, 1 => 1, 2 => 2, _ => 4 };
        var sizeBytes = sizeFlag switch { 0 => singleSegment ? 1 : 0, 1 => 2, 2 => 4, _ => 8 };
        if (sizeBytes == 0 || payload.Length < position + sizeBytes)
        {
            return null;
        }

        var field = payload.Slice(position, sizeBytes);
        return sizeBytes switch
        {
            1 => field[0],
            2 => BinaryPrimitives.ReadUInt16LittleEndian(field) + 256UL,
            4 => BinaryPrimitives.ReadUInt32LittleEndian(field),
            _ => BinaryPrimitives.ReadUInt64LittleEndian(field),
        };
    }
}
