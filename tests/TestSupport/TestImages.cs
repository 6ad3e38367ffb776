namespace Edge.TestSupport;

using SixLabors.ImageSharp;
using SixLabors.ImageSharp.Formats;
using SixLabors.ImageSharp.Formats.Png;
using SixLabors.ImageSharp.PixelFormats;

/// <summary>Encodes small gray images for preprocessing and API tests.</summary>
public static class TestImages
{
    /// <summary>A gray PNG whose pixel (x, y) is <paramref name="pixel"/>(x, y).</summary>
    public static byte[] GrayPng(int width, int height, Func<int, int, byte> pixel)
    {
        using var image = new Image<L8>(width, height);
        for (var y = 0; y < height; y++)
        {
            for (var x = 0; x < width; x++)
            {
                image[x, y] = new L8(pixel(x, y));
            }
        }

        using var stream = new MemoryStream();
        image.SaveAsPng(stream);
        return stream.ToArray();
    }

    /// <summary>A raw 8×8 digit (0..16, ink high) as dark ink on white paper, each raw pixel a <paramref name="block"/>² square.</summary>
    public static byte[] DigitPng(float[] raw, int block = 1) =>
        GrayPng(8 * block, 8 * block, (x, y) => InkToPaper(raw[((y / block) * 8) + (x / block)]));

    public static byte InkToPaper(float raw) => (byte)Math.Round(255 - (raw * 255 / 16));

    public static readonly IImageEncoder SixteenBitPng = new PngEncoder { BitDepth = PngBitDepth.Bit16, ColorType = PngColorType.Grayscale };

    /// <summary>The same picture in another encoding (bit depth, colour model) than the one tests build it in.</summary>
    public static byte[] Reencode(byte[] encoded, IImageEncoder encoder)
    {
        using var image = Image.Load<Rgb48>(encoded);
        using var stream = new MemoryStream();
        image.Save(stream, encoder);
        return stream.ToArray();
    }
}
