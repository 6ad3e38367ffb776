namespace Edge.Shared.Updates;

using System.Buffers.Binary;

/// <summary>Device → cloud on <c>edge/v1/dev/{id}/model/blocks/get</c>: send me these blocks of this payload.</summary>
public sealed class BlockRequest
{
    /// <summary>The payload's SHA-256 (lowercase hex), as listed in the signed manifest.</summary>
    public required string Payload { get; set; }

    public int BlockSize { get; set; }

    /// <summary>Block indexes, at most <see cref="MaxBlocksPerRequest"/>.</summary>
    public int[] Blocks { get; set; } = [];

    public const int MaxBlocksPerRequest = 256;
}

/// <summary>
/// Cloud → device on <c>edge/v1/dev/{id}/model/blocks</c>: a 16-byte header (the first 8 bytes of the payload's
/// SHA-256, then the block index and the data length as big-endian uint32), then the data.
/// </summary>
public static class BlockFrame
{
    public const int HeaderSize = 16;

    public const int MinBlockSize = 4 * 1024;

    public const int MaxBlockSize = 128 * 1024;

    public static int BlockCount(long payloadSize, int blockSize) => (int)((payloadSize + blockSize - 1) / blockSize);

    /// <summary>The first 8 bytes of a lowercase hex SHA-256, as carried in each frame.</summary>
    public static ulong PayloadTag(string sha256Hex)
    {
        ArgumentNullException.ThrowIfNull(sha256Hex);
        return sha256Hex.Length >= 16 ? ulong.Parse(sha256Hex.AsSpan(0, 16), System.Globalization.NumberStyles.HexNumber, null) : 0;
    }

    public static void WriteHeader(Span<byte> destination, ulong payloadTag, int index, int length)
    {
        BinaryPrimitives.WriteUInt64BigEndian(destination, payloadTag);
        BinaryPrimitives.WriteUInt32BigEndian(destination[8..], (uint)index);
        BinaryPrimitives.WriteUInt32BigEndian(destination[12..], (uint)length);
    }

    /// <summary>False for a frame too short for its header or whose data length differs from the header's (truncated).</summary>
    public static bool TryRead(ReadOnlySpan<byte> frame, out ulong payloadTag, out int index, out ReadOnlySpan<byte> data)
    {
        payloadTag = 0;
        index = -1;
        data = default;
        if (frame.Length < HeaderSize)
        {
            return false;
        }

        payloadTag = BinaryPrimitives.ReadUInt64BigEndian(frame);
        var rawIndex = BinaryPrimitives.ReadUInt32BigEndian(frame[8..]);
        var length = BinaryPrimitives.ReadUInt32BigEndian(frame[12..]);
        if (rawIndex > int.MaxValue || length != (uint)(frame.Length - HeaderSize))
        {
            return false;
        }

        index = (int)rawIndex;
        data = frame[HeaderSize..];
        return true;
    }
}
