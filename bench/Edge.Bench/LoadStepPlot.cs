namespace Edge.Bench;

using System.Globalization;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;

/// <summary>
/// The load-step plot: cloud rate and target over the periods on top, each group's threshold below. ImageSharp core
/// only (no ImageSharp.Drawing): lines by Bresenham, labels in a built-in 3×5 pixel font drawn at 2×.
/// </summary>
internal static class LoadStepPlot
{
    private const int Width = 960;
    private const int PanelHeight = 300;
    private const int Left = 70;
    private const int Right = 20;
    private static readonly Rgba32 Axis = new(60, 60, 60);
    private static readonly Rgba32 Grid = new(225, 225, 225);
    private static readonly Rgba32 Rate = new(200, 40, 40);
    private static readonly Rgba32 TargetColour = new(40, 40, 40);
    private static readonly Rgba32[] GroupColours = [new(30, 90, 200), new(20, 150, 80), new(150, 60, 170)];

    public static void Write(string path, IReadOnlyList<LoadStepRow> rows, IReadOnlyList<string> groups)
    {
        using var image = new Image<Rgba32>(Width, (2 * PanelHeight) + 80, new Rgba32(255, 255, 255));
        var n = rows.Count - 1;
        var maxRate = Math.Ceiling(rows.Max(r => Math.Max(r.CloudRate, r.Target)) * 1.15);
        var top = new Panel(20, PanelHeight - 20, 0, maxRate, n);
        top.Frame(image, "CLOUD REQ/S: RATE (RED) VS TARGET (BLACK)");
        top.Line(image, rows.Select(r => r.Target).ToArray(), TargetColour, dashed: true);
        top.Line(image, rows.Select(r => r.CloudRate).ToArray(), Rate, dashed: false);

        var lo = Math.Floor(rows.Min(r => r.Thresholds.Min()) * 20 - 1) / 20;
        var hi = Math.Ceiling(rows.Max(r => r.Thresholds.Max()) * 20 + 1) / 20;
        var bottom = new Panel(PanelHeight + 60, PanelHeight - 20, lo, Math.Min(hi, 1), n);
        bottom.Frame(image, "THRESHOLD PER GROUP: " + string.Join(" ", groups.Select((g, i) => g.ToUpperInvariant() + (i == 0 ? " (BLUE)" : i == 1 ? " (GREEN)" : " (PURPLE)"))));
        for (var g = 0; g < groups.Count; g++)
        {
            bottom.Line(image, rows.Select(r => r.Thresholds[g]).ToArray(), GroupColours[g % GroupColours.Length], dashed: false);
        }

        Font.Text(image, Left, (2 * PanelHeight) + 62, "PERIOD (3 WINDOWS OF 10 S EACH); LOAD X3 AT PERIOD 6", Axis);
        image.SaveAsPng(path);
    }

    private sealed record Panel(int Top, int Height, double Min, double Max, int Periods)
    {
        private int Bottom => Top + Height;

        public int X(double period) => Left + (int)Math.Round(period * (Width - Left - Right) / Math.Max(1, Periods));

        public int Y(double value) => Bottom - (int)Math.Round((value - Min) / (Max - Min) * Height);

        public void Frame(Image<Rgba32> image, string title)
        {
            for (var i = 0; i <= 4; i++)
            {
                var v = Min + ((Max - Min) * i / 4);
                var y = Y(v);
                Bresenham.Draw(image, Left, y, Width - Right, y, i == 0 ? Axis : Grid);
                Font.Text(image, 4, y - 5, v.ToString(Max - Min < 2 ? "0.00" : "0.#", CultureInfo.InvariantCulture), Axis);
            }

            for (var p = 0; p <= Periods; p += 2)
            {
                Bresenham.Draw(image, X(p), Bottom, X(p), Bottom + 4, Axis);
                Font.Text(image, X(p) - 4, Bottom + 7, p.ToString(CultureInfo.InvariantCulture), Axis);
            }

            Bresenham.Draw(image, Left, Top, Left, Bottom, Axis);
            Font.Text(image, Left + 6, Top - 14, title, Axis);
        }

        public void Line(Image<Rgba32> image, double[] values, Rgba32 colour, bool dashed)
        {
            for (var i = 1; i < values.Length; i++)
            {
                if (!dashed || i % 2 == 1)
                {
                    // Two pixels thick so the series stand out from the grid.
                    Bresenham.Draw(image, X(i - 1), Y(values[i - 1]), X(i), Y(values[i]), colour);
                    Bresenham.Draw(image, X(i - 1), Y(values[i - 1]) + 1, X(i), Y(values[i]) + 1, colour);
                }

                Dot(image, X(i), Y(values[i]), colour);
            }

            Dot(image, X(0), Y(values[0]), colour);
        }

        private static void Dot(Image<Rgba32> image, int x, int y, Rgba32 colour)
        {
            for (var dx = -2; dx <= 2; dx++)
            {
                for (var dy = -2; dy <= 2; dy++)
                {
                    Bresenham.Set(image, x + dx, y + dy, colour);
                }
            }
        }
    }
}
