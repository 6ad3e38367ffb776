namespace Edge.Inference;

using System.Globalization;
using System.Runtime.InteropServices;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.Formats.Jpeg;
using SixLabors.ImageSharp.Formats.Png;
using SixLabors.ImageSharp.Memory;
using SixLabors.ImageSharp.PixelFormats;

/// <summary>
/// Decodes PNG and JPEG only. The header is read first and images over the pixel limit are refused before
/// any pixel memory is allocated (a 100-byte PNG can claim 60k × 60k). Both formats decode one frame.
/// </summary>
internal sealed class ImageDecoder
{
    /// <summary>16 megapixels: more than any camera frame the models need, far below a decompression bomb.</summary>
    public const long DefaultMaxPixels = 16L * 1024 * 1024;

    /// <summary>
    /// Longest side accepted. Resizing keeps one row of the model's width per source row, so a 1 × 16M strip
    /// (within the pixel limit) would otherwise need gigabytes of scratch.
    /// </summary>
    public const int MaxSide = 16 * 1024;

    private readonly Configuration _configuration;
    private readonly long _maxPixels;
    private readonly bool _rgb;

    public ImageDecoder(long maxPixels, bool rgb)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxPixels, 1);
        _maxPixels = maxPixels;
        _rgb = rgb;
        _configuration = new Configuration(new PngConfigurationModule(), new JpegConfigurationModule())
        {
            PreferContiguousImageBuffers = true,
        };
    }

    public DecodedImage Decode(ReadOnlyMemory<byte> encoded)
    {
        if (encoded.IsEmpty)
        {
            throw new InvalidInputException("the image is empty");
        }

        var segment = MemoryMarshal.TryGetArray(encoded, out var array) ? array : new ArraySegment<byte>(encoded.ToArray());
        try
        {
            using (var header = new MemoryStream(segment.Array!, segment.Offset, segment.Count, writable: false))
            {
                var info = Image.Identify(_configuration, header, out _)
                    ?? throw new InvalidInputException("the body is not a PNG or JPEG image");
                var pixels = (long)info.Width * info.Height;
                if (info.Width < 1 || info.Height < 1 || pixels > _maxPixels)
                {
                    throw new InvalidInputException(string.Create(
                        CultureInfo.InvariantCulture,
                        $"image is {info.Width}×{info.Height} ({pixels} pixels); the limit is {_maxPixels} pixels"));
                }

                if (info.Width > MaxSide || info.Height > MaxSide)
                {
                    throw new InvalidInputException(string.Create(
                        CultureInfo.InvariantCulture,
                        $"image is {info.Width}×{info.Height}; neither side may exceed {MaxSide} pixels"));
                }
            }

            return _rgb
                ? new DecodedImage(Image.Load<Rgb24>(_configuration, encoded.Span))
                : new DecodedImage(Image.Load<L8>(_configuration, encoded.Span));
        }
        catch (InvalidInputException)
        {
            throw;
        }
        catch (Exception e) when (e is ImageFormatException or InvalidMemoryOperationException or NotSupportedException or ArgumentException
            or NullReferenceException or IndexOutOfRangeException or InvalidOperationException or OverflowException
            or DivideByZeroException or EndOfStreamException)
        {
            // The decoder's own bugs on crafted files (a NullReferenceException in JpegDecoderCore.Identify on a
            // truncated JPEG, an IndexOutOfRangeException on a bad PNG) are the caller's bad input too: letting them
            // escape would count them as model errors and roll back a good update. A broken install (a missing or
            // mismatched ImageSharp: type load, missing method) is not the caller's, and is left to escape.
            throw new InvalidInputException("the image cannot be decoded: " + DecodeFailure(e), e);
        }
    }

    private static string DecodeFailure(Exception e) => e is ImageFormatException or InvalidMemoryOperationException or NotSupportedException
        ? e.Message
        : "the file is truncated or malformed";
}
