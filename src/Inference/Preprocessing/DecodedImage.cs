namespace Edge.Inference;

using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;

/// <summary>A decoded 8-bit gray or RGB image whose rows are read out as floats in [0, 1].</summary>
internal sealed class DecodedImage : IDisposable
{
    private readonly Image<L8>? _gray;
    private readonly Image<Rgb24>? _rgb;

    public DecodedImage(Image<L8> gray)
    {
        _gray = gray;
        Width = gray.Width;
        Height = gray.Height;
    }

    public DecodedImage(Image<Rgb24> rgb)
    {
        _rgb = rgb;
        Width = rgb.Width;
        Height = rgb.Height;
    }

    public int Width { get; }

    public int Height { get; }

    /// <summary>Row <paramref name="y"/> of <paramref name="channel"/> as pixel/255, or 1 − pixel/255 when inverted.</summary>
    public void ReadRow(int y, int channel, bool invert, Span<float> destination)
    {
        var (scale, offset) = invert ? (-1f / 255f, 1f) : (1f / 255f, 0f);
        if (_gray is not null)
        {
            var row = Pixels(_gray).Slice(y * Width, Width);
            for (var x = 0; x < Width; x++)
            {
                destination[x] = (row[x].PackedValue * scale) + offset;
            }
        }
        else
        {
            var row = Pixels(_rgb!).Slice(y * Width, Width);
            for (var x = 0; x < Width; x++)
            {
                var p = row[x];
                var v = channel switch { 0 => p.R, 1 => p.G, _ => p.B };
                destination[x] = (v * scale) + offset;
            }
        }
    }

    public void Dispose()
    {
        _gray?.Dispose();
        _rgb?.Dispose();
    }

    private static Span<T> Pixels<T>(Image<T> image)
        where T : unmanaged, IPixel<T> =>
        image.DangerousTryGetSinglePixelMemory(out var memory)
            ? memory.Span
            : throw new InvalidOperationException("image buffer is not contiguous although the decoder asked for it");
}
