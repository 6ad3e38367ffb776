namespace Edge.Bench;

using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;

/// <summary>Integer line drawing on an image (ImageSharp core has no drawing primitives).</summary>
internal static class Bresenham
{
    public static void Set(Image<Rgba32> image, int x, int y, Rgba32 colour)
    {
        if (x >= 0 && y >= 0 && x < image.Width && y < image.Height)
        {
            image[x, y] = colour;
        }
    }

    public static void Draw(Image<Rgba32> image, int x0, int y0, int x1, int y1, Rgba32 colour)
    {
        int dx = Math.Abs(x1 - x0), sx = x0 < x1 ? 1 : -1;
        int dy = -Math.Abs(y1 - y0), sy = y0 < y1 ? 1 : -1;
        var err = dx + dy;
        while (true)
        {
            Set(image, x0, y0, colour);
            if (x0 == x1 && y0 == y1)
            {
                return;
            }

            var e2 = 2 * err;
            if (e2 >= dy)
            {
                err += dy;
                x0 += sx;
            }

            if (e2 <= dx)
            {
                err += dx;
                y0 += sy;
            }
        }
    }
}

/// <summary>A 3×5 pixel font (digits, capitals, a little punctuation), drawn at scale 2; unknown characters are blank.</summary>
internal static class Font
{
    private const int Scale = 2;

    // Each glyph: 5 rows of 3 bits, top row first.
    private static readonly Dictionary<char, string> Glyphs = new()
    {
        ['0'] = "111101101101111", ['1'] = "010110010010111", ['2'] = "111001111100111", ['3'] = "111001111001111",
        ['4'] = "101101111001001", ['5'] = "111100111001111", ['6'] = "111100111101111", ['7'] = "111001001010010",
        ['8'] = "111101111101111", ['9'] = "111101111001111", ['.'] = "000000000000010", [':'] = "000010000010000",
        ['/'] = "001001010100100", ['-'] = "000000111000000", ['('] = "010100100100010", [')'] = "010001001001010",
        [';'] = "000010000010100", ['A'] = "010101111101101", ['B'] = "110101110101110", ['C'] = "111100100100111",
        ['D'] = "110101101101110", ['E'] = "111100110100111", ['F'] = "111100110100100", ['G'] = "111100101101111",
        ['H'] = "101101111101101", ['I'] = "111010010010111", ['J'] = "001001001101111", ['K'] = "101101110101101",
        ['L'] = "100100100100111", ['M'] = "101111111101101", ['N'] = "110101101101101", ['O'] = "111101101101111",
        ['P'] = "111101111100100", ['Q'] = "111101101111001", ['R'] = "110101110101101", ['S'] = "111100111001111",
        ['T'] = "111010010010010", ['U'] = "101101101101111", ['V'] = "101101101101010", ['W'] = "101101111111101",
        ['X'] = "101101010101101", ['Y'] = "101101010010010", ['Z'] = "111001010100111",
    };

    public static void Text(Image<Rgba32> image, int x, int y, string text, Rgba32 colour)
    {
        foreach (var c in text)
        {
            if (Glyphs.TryGetValue(c, out var bits))
            {
                for (var i = 0; i < bits.Length; i++)
                {
                    if (bits[i] == '1')
                    {
                        for (var s = 0; s < Scale * Scale; s++)
                        {
                            Bresenham.Set(image, x + ((i % 3) * Scale) + (s % Scale), y + ((i / 3) * Scale) + (s / Scale), colour);
                        }
                    }
                }
            }

            x += 4 * Scale;
        }
    }
}
