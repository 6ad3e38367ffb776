namespace Edge.Cloud.Tests.Support;

using System.Globalization;
using System.Text;
using Edge.Shared.Models;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;

/// <summary>Request bodies built from committed digits.</summary>
internal static class Digits
{
    /// <summary>A <c>TensorPayload</c> in raw units (0..16), as a device sends it.</summary>
    public static string TensorJson(DigitSample sample)
    {
        var text = new StringBuilder("{\"shape\":[1,1,8,8],\"data\":[");
        for (var i = 0; i < sample.Pixels.Length; i++)
        {
            text.Append(i == 0 ? string.Empty : ",").Append(sample.Pixels[i].ToString(CultureInfo.InvariantCulture));
        }

        return text.Append("]}").ToString();
    }

    /// <summary>An 8×8 gray PNG with dark ink on white paper, the way a scanned digit looks.</summary>
    public static byte[] Png(DigitSample sample)
    {
        using var image = new Image<L8>(8, 8);
        for (var y = 0; y < 8; y++)
        {
            for (var x = 0; x < 8; x++)
            {
                image[x, y] = new L8((byte)Math.Round(255 * (1 - (sample.Pixels[(y * 8) + x] / 16.0))));
            }
        }

        using var stream = new MemoryStream();
        image.SaveAsPng(stream);
        return stream.ToArray();
    }
}
