namespace Edge.Agent.Updater;

using System.Buffers.Binary;

/// <summary>
/// A payload being downloaded: blocks written at their offset in <c>{sha}.part</c>, and a bitmap of the blocks on
/// disk in <c>{sha}.bitmap</c>, replaced atomically after the part file is flushed, so a bit is never set for data
/// that a power cut could lose. A restart resumes with exactly the blocks the bitmap lacks.
/// </summary>
internal sealed class PartFile : IDisposable
{
    private const int FlushEvery = 8;
    private const uint Magic = 0x45424D31; // "EBM1"
    private const int HeaderSize = 16;

    private readonly FileStream _stream;
    private readonly byte[] _bits;
    private readonly string _bitmapPath;
    private int _unflushed;

    private PartFile(FileStream stream, string bitmapPath, long size, int blockSize, byte[] bits)
    {
        _stream = stream;
        _bitmapPath = bitmapPath;
        Size = size;
        BlockSize = blockSize;
        Total = Edge.Shared.Updates.BlockFrame.BlockCount(size, blockSize);
        _bits = bits;
        for (var i = 0; i < Total; i++)
        {
            Received += Has(i) ? 1 : 0;
        }
    }

    public string Path => _stream.Name;

    public long Size { get; }

    public int BlockSize { get; }

    public int Total { get; }

    public int Received { get; private set; }

    public bool IsComplete => Received == Total;

    /// <summary>Opens the download of a payload, resuming it when the bitmap matches the same size and block size.</summary>
    public static PartFile Open(UpdatePaths paths, string payloadSha, long size, int blockSize)
    {
        ArgumentNullException.ThrowIfNull(paths);
        Directory.CreateDirectory(paths.Downloads);
        var partPath = paths.PartFile(payloadSha);
        var bitmapPath = paths.BitmapFile(payloadSha);
        var bits = ReadBitmap(bitmapPath, size, blockSize);
        if (bits is null || !File.Exists(partPath) || new FileInfo(partPath).Length != size)
        {
            File.Delete(bitmapPath);
            File.Delete(partPath);
            bits = new byte[(Edge.Shared.Updates.BlockFrame.BlockCount(size, blockSize) + 7) / 8];
        }

        var stream = new FileStream(partPath, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.Read);
        stream.SetLength(size);
        return new PartFile(stream, bitmapPath, size, blockSize, bits);
    }

    public bool Has(int index) => (_bits[index >> 3] & (1 << (index & 7))) != 0;

    public int ExpectedLength(int index) => (int)Math.Min(BlockSize, Size - ((long)index * BlockSize));

    public IEnumerable<int> Missing() => Enumerable.Range(0, Total).Where(i => !Has(i));

    /// <summary>
    /// Clears every received block whose bytes do not hash to <paramref name="blockSha256"/> (written before block hashes
    /// were checked, or damaged on disk), so they are downloaded again. Returns how many were cleared.
    /// </summary>
    public int ForgetMismatched(IReadOnlyList<string> blockSha256)
    {
        ArgumentNullException.ThrowIfNull(blockSha256);
        var buffer = new byte[BlockSize];
        var cleared = 0;
        for (var i = 0; i < Total && i < blockSha256.Count; i++)
        {
            if (!Has(i))
            {
                continue;
            }

            var block = buffer.AsSpan(0, ExpectedLength(i));
            _stream.Position = (long)i * BlockSize;
            _stream.ReadExactly(block);
            if (!Edge.Updates.Sha256Hex.Matches(block, blockSha256[i]))
            {
                _bits[i >> 3] &= (byte)~(1 << (i & 7));
                Received--;
                cleared++;
                _unflushed++;
            }
        }

        return cleared;
    }

    public void Write(int index, ReadOnlySpan<byte> data)
    {
        _stream.Position = (long)index * BlockSize;
        _stream.Write(data);
        _bits[index >> 3] |= (byte)(1 << (index & 7));
        Received++;
        if (++_unflushed >= FlushEvery || IsComplete)
        {
            Flush();
        }
    }

    /// <summary>Data first, then the bitmap that describes it.</summary>
    public void Flush()
    {
        if (_unflushed == 0)
        {
            return;
        }

        _stream.Flush(flushToDisk: true);
        var bitmap = new byte[HeaderSize + _bits.Length];
        BinaryPrimitives.WriteUInt32LittleEndian(bitmap, Magic);
        BinaryPrimitives.WriteInt32LittleEndian(bitmap.AsSpan(4), BlockSize);
        BinaryPrimitives.WriteInt64LittleEndian(bitmap.AsSpan(8), Size);
        _bits.CopyTo(bitmap, HeaderSize);
        AtomicFile.Write(_bitmapPath, bitmap);
        _unflushed = 0;
    }

    public static void Delete(UpdatePaths paths, string payloadSha)
    {
        ArgumentNullException.ThrowIfNull(paths);
        File.Delete(paths.BitmapFile(payloadSha));
        File.Delete(paths.PartFile(payloadSha));
    }

    /// <summary>After an update is applied, downloads of superseded payloads are of no further use.</summary>
    public static void DeleteAll(UpdatePaths paths)
    {
        ArgumentNullException.ThrowIfNull(paths);
        if (!Directory.Exists(paths.Downloads))
        {
            return;
        }

        foreach (var file in Directory.EnumerateFiles(paths.Downloads).Where(f => f.EndsWith(".part", StringComparison.Ordinal) || f.EndsWith(".bitmap", StringComparison.Ordinal)).ToList())
        {
            File.Delete(file);
        }
    }

    public void Dispose() => _stream.Dispose();

    private static byte[]? ReadBitmap(string path, long size, int blockSize)
    {
        if (!File.Exists(path))
        {
            return null;
        }

        var bytes = File.ReadAllBytes(path);
        var length = (Edge.Shared.Updates.BlockFrame.BlockCount(size, blockSize) + 7) / 8;
        return bytes.Length == HeaderSize + length &&
            BinaryPrimitives.ReadUInt32LittleEndian(bytes) == Magic &&
            BinaryPrimitives.ReadInt32LittleEndian(bytes.AsSpan(4)) == blockSize &&
            BinaryPrimitives.ReadInt64LittleEndian(bytes.AsSpan(8)) == size
            ? bytes[HeaderSize..]
            : null;
    }
}
