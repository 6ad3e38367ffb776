namespace Edge.Updates;

using System.Buffers;
using Edge.Shared.Updates;
using ZstdSharp;
using ZstdSharp.Unsafe;

/// <summary>zstd frames with long-distance matching and, for deltas, the base file as a raw-content dictionary.</summary>
internal static class Zstd
{
    private const int MinWindowLog = 10;

    // The decoder's default ceiling; a bigger window would make small devices allocate more than the model itself.
    private const int MaxWindowLog = 27;

    // Lets a device decode frames from any zstd encoder with default settings (8 MiB window) even for tiny models;
    // the output is capped separately, so a larger window never means more output.
    private const int DecoderMinWindowLog = 23;

    public static byte[] Compress(ReadOnlySpan<byte> source, ReadOnlySpan<byte> dictionary, int level)
    {
        using var compressor = new Compressor(level);
        compressor.SetParameter(ZSTD_cParameter.ZSTD_c_enableLongDistanceMatching, 1);
        compressor.SetParameter(ZSTD_cParameter.ZSTD_c_checksumFlag, 1);
        compressor.SetParameter(ZSTD_cParameter.ZSTD_c_windowLog, WindowLog(source.Length + (long)dictionary.Length));
        if (!dictionary.IsEmpty)
        {
            compressor.LoadDictionary(dictionary);
        }

        return compressor.Wrap(source).ToArray();
    }

    /// <summary>
    /// Streams the frame(s) into a buffer of exactly <paramref name="declaredSize"/> bytes and probes one byte further, so a
    /// decompression bomb costs at most the declared size. Returns the buffer trimmed to what was produced.
    /// </summary>
    public static byte[] Decompress(ReadOnlySpan<byte> payload, ReadOnlySpan<byte> dictionary, int declaredSize)
    {
        // A frame that says up front it is bigger than the model is refused before a byte is decoded.
        var contentSize = ZstdFrame.ContentSize(payload);
        if (contentSize > (ulong)declaredSize)
        {
            throw Exceeded($"The payload's zstd frame declares {contentSize} bytes, more than the declared {declaredSize}-byte model.");
        }

        using var decompressor = new Decompressor();
        var windowLog = Math.Max(DecoderMinWindowLog, WindowLog(declaredSize + (long)dictionary.Length));
        decompressor.SetParameter(ZSTD_dParameter.ZSTD_d_windowLogMax, windowLog);
        if (!dictionary.IsEmpty)
        {
            decompressor.LoadDictionary(dictionary);
        }

        var output = new byte[declaredSize];
        int consumed = 0, produced = 0;
        Span<byte> probe = stackalloc byte[1];
        try
        {
            while (true)
            {
                var destination = produced < output.Length ? output.AsSpan(produced) : probe;
                var status = decompressor.UnwrapStream(payload[consumed..], destination, out var read, out var written);
                consumed += read;
                if (produced == output.Length && written > 0)
                {
                    throw Exceeded($"The payload decompresses to more than the declared {declaredSize} bytes; stopped there.");
                }

                produced += written;
                if (status == OperationStatus.InvalidData)
                {
                    throw Corrupt(
                        $"The payload is not valid zstd data (or needs a decoding window over {1L << windowLog} bytes), at byte {consumed} of {payload.Length}.");
                }

                if (status == OperationStatus.Done && consumed == payload.Length)
                {
                    break;
                }

                if (read == 0 && written == 0 && status != OperationStatus.DestinationTooSmall)
                {
                    throw Corrupt($"The payload's zstd data ends early, after {consumed} of {payload.Length} bytes.");
                }
            }
        }
        catch (ZstdException e)
        {
            throw new PackageRejectedException(UpdateFailure.CorruptPayload, $"The payload is not valid zstd data: {e.Message}", e);
        }

        return produced == output.Length ? output : output.AsSpan(0, produced).ToArray();
    }

    private static PackageRejectedException Exceeded(string message) => new(UpdateFailure.DecompressedSizeExceeded, message);

    private static PackageRejectedException Corrupt(string message) => new(UpdateFailure.CorruptPayload, message);

    private static int WindowLog(long size)
    {
        var log = MinWindowLog;
        while (log < MaxWindowLog && (1L << log) < size)
        {
            log++;
        }

        return log;
    }
}
