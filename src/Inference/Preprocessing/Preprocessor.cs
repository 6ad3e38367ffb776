namespace Edge.Inference;

using System.Buffers;
using System.Globalization;
using Edge.Shared.Models;

/// <summary>
/// Turns a caller's tensor (raw units) or encoded image into the model's normalised input, written straight
/// into a caller-provided span (an inference slot's input buffer). Scratch memory comes from the array pool.
/// </summary>
public sealed class Preprocessor
{
    private readonly Preprocess _preprocess;
    private readonly ImageDecoder _images;
    private readonly string _layout;
    private readonly bool _bgr;
    private readonly string _resize;
    private readonly float _padValue;

    public Preprocessor(ModelInput input, long maxImagePixels = OnnxModelOptions.DefaultMaxImagePixels)
    {
        ArgumentNullException.ThrowIfNull(input);
        Channels = input.Channels;
        Height = input.Height;
        Width = input.Width;
        _layout = input.Layout;
        _bgr = input.ColorSpace == "bgr";
        _resize = input.Resize;
        _padValue = input.PadValue;
        _preprocess = input.Preprocess;
        _images = new ImageDecoder(maxImagePixels, rgb: Channels == 3);
        SampleShape = _layout switch
        {
            InputLayouts.Flat => [Width],
            InputLayouts.Nhwc => [Height, Width, Channels],
            _ => [Channels, Height, Width],
        };
        BatchShape = [1, .. SampleShape];
    }

    /// <summary>One sample's shape in the model's own layout, without the batch: [C,H,W], [H,W,C] or [F].</summary>
    public IReadOnlyList<int> SampleShape { get; }

    /// <summary>One sample with its batch of 1, in the model's own layout: what <see cref="FromTensor"/> takes at full size.</summary>
    public int[] BatchShape { get; }

    /// <summary>A flat [N,F] input: tensors only, mean/std per feature.</summary>
    public bool IsFlat => _layout == InputLayouts.Flat;

    private bool IsNhwc => _layout == InputLayouts.Nhwc;

    public int Channels { get; }

    public int Height { get; }

    public int Width { get; }

    /// <summary>Values per sample (C × H × W).</summary>
    public int Length => Channels * Height * Width;

    /// <summary>
    /// Accepts one sample in the model's layout, in raw units: [1,C,H,W], [C,H,W] or [H,W] for NCHW; [1,H,W,C],
    /// [H,W,C] or [H,W] for NHWC; [1,F] or [F] for a flat vector. x = raw × rawScale, resized, then normalised.
    /// C may also be 1 for an RGB model (gray is replicated), and H×W may be smaller than the model's when
    /// both axes scale up by the same whole factor (an 8×8 digit for a 96×96 model, as in training);
    /// anything else is refused with the expected shape.
    /// </summary>
    public void FromTensor(ReadOnlySpan<int> shape, ReadOnlySpan<float> data, Span<float> destination)
    {
        CheckDestination(destination);
        var (c, h, w) = CheckTensor(shape, data.Length);
        var index = FirstNonFinite(data);
        if (index >= 0)
        {
            throw new InvalidInputException(
                $"data[{index}] is {data[index].ToString(CultureInfo.InvariantCulture)}; every value must be a finite number");
        }

        if (IsFlat)
        {
            for (var i = 0; i < Width; i++)
            {
                var (scale, offset) = Affine(i, _preprocess.RawScale);
                destination[i] = (data[i] * scale) + offset;
            }

            return;
        }

        if (!IsNhwc || c == 1)
        {
            // Planar already (an NHWC sample with one channel is laid out as its single plane).
            WritePlanar(data, c, h, w, IsNhwc ? ArrayPool<float>.Shared.Rent(Length) : null, destination);
            return;
        }

        var planes = ArrayPool<float>.Shared.Rent(c * h * w);
        try
        {
            Planar.FromInterleaved(data, c, h * w, planes);
            WritePlanar(planes.AsSpan(0, c * h * w), c, h, w, ArrayPool<float>.Shared.Rent(Length), destination);
        }
        finally
        {
            ArrayPool<float>.Shared.Return(planes);
        }
    }

    /// <summary>
    /// One stored sample (a golden sample, a probe, a calibration row): <see cref="Length"/> raw values in the model's
    /// own layout, or a square gray picture (an 8×8 digit for a model that upscales it, as in training).
    /// </summary>
    public void FromSample(ReadOnlySpan<float> values, Span<float> destination)
    {
        if (values.Length == Length)
        {
            FromTensor(BatchShape, values, destination);
            return;
        }

        var side = (int)Math.Round(Math.Sqrt(values.Length));
        FromTensor([side, side], values, destination);
    }

    /// <summary>
    /// Resizes and normalises planar [c,h,w] raw values into the model's [C,H,W]: straight into
    /// <paramref name="destination"/>, or into <paramref name="nhwc"/> (pooled, returned here) and then interleaved.
    /// </summary>
    private void WritePlanar(ReadOnlySpan<float> data, int c, int h, int w, float[]? nhwc, Span<float> destination)
    {
        var target = nhwc is null ? destination : nhwc.AsSpan(0, Length);
        var plane = Height * Width;
        float[]? scratch = null;
        try
        {
            for (var ch = 0; ch < Channels; ch++)
            {
                var src = data.Slice((c == 1 ? 0 : ch) * h * w, h * w);
                var dst = target.Slice(ch * plane, plane);
                if (h == Height && w == Width)
                {
                    src.CopyTo(dst);
                }
                else
                {
                    scratch ??= ArrayPool<float>.Shared.Rent(h * Width);
                    Resampler.ResizePlane(src, h, w, dst, Height, Width, scratch);
                }

                // Resize weights sum to one, so scaling after resizing equals scaling before (as training does).
                var (scale, offset) = Affine(ch, _preprocess.RawScale);
                for (var i = 0; i < plane; i++)
                {
                    dst[i] = (dst[i] * scale) + offset;
                }
            }

            if (nhwc is not null)
            {
                Planar.ToInterleaved(target, Channels, plane, destination);
            }
        }
        finally
        {
            if (scratch is not null)
            {
                ArrayPool<float>.Shared.Return(scratch);
            }

            if (nhwc is not null)
            {
                ArrayPool<float>.Shared.Return(nhwc);
            }
        }
    }

    /// <summary>
    /// Checks a tensor's shape and value count against the rules of <see cref="FromTensor"/>, the shape first;
    /// every accepted shape needs at most <see cref="Length"/> values.
    /// </summary>
    /// <returns>The tensor's channels, height and width.</returns>
    public (int Channels, int Height, int Width) CheckTensor(ReadOnlySpan<int> shape, int count)
    {
        if (!TryReadShape(shape, out var c, out var h, out var w))
        {
            throw new InvalidInputException(
                $"expected shape {ExpectedShape()} ({Length} values), got [{Join(shape)}]");
        }

        var needed = c * h * w;
        if (count != needed)
        {
            throw new InvalidInputException($"shape [{Join(shape)}] needs {needed} values, got {count}");
        }

        return (c, h, w);
    }

    /// <summary>Decodes PNG/JPEG bytes, scales to [0, 1] (inverted when the manifest says), resizes and normalises.</summary>
    public void FromImage(ReadOnlyMemory<byte> encoded, Span<float> destination)
    {
        CheckDestination(destination);
        if (IsFlat)
        {
            throw new InvalidInputException(
                string.Create(CultureInfo.InvariantCulture, $"this model takes a vector of {Width} values, not an image: send a JSON tensor of shape [1,{Width}]"));
        }

        using var image = _images.Decode(encoded);
        var (source, placed) = ImageFit.Place(_resize, image.Width, image.Height, Width, Height);
        var scratch = ArrayPool<float>.Shared.Rent(image.Width + (source.Height * placed.Width));
        var nhwc = IsNhwc && Channels > 1 ? ArrayPool<float>.Shared.Rent(Length) : null;
        var target = nhwc is null ? destination : nhwc.AsSpan(0, Length);
        try
        {
            var row = scratch.AsSpan(0, image.Width);
            var rows = scratch.AsSpan(image.Width, source.Height * placed.Width);
            var plane = Height * Width;
            for (var c = 0; c < Channels; c++)
            {
                for (var y = 0; y < source.Height; y++)
                {
                    image.ReadRow(source.Y + y, _bgr ? 2 - c : c, _preprocess.InvertImage, row);
                    Resampler.ResampleAxis(row.Slice(source.X, source.Width), 1, source.Width, rows.Slice(y * placed.Width, placed.Width), 1, placed.Width);
                }

                var dst = target.Slice(c * plane, plane);
                if (placed.Width != Width || placed.Height != Height)
                {
                    dst.Fill(_padValue);
                }

                for (var x = 0; x < placed.Width; x++)
                {
                    Resampler.ResampleAxis(rows[x..], placed.Width, source.Height, dst[((placed.Y * Width) + placed.X + x)..], Width, placed.Height);
                }

                var (scale, offset) = Affine(c, 1f);
                for (var i = 0; i < plane; i++)
                {
                    dst[i] = (dst[i] * scale) + offset;
                }
            }

            if (nhwc is not null)
            {
                Planar.ToInterleaved(target, Channels, Height * Width, destination);
            }
        }
        finally
        {
            ArrayPool<float>.Shared.Return(scratch);
            if (nhwc is not null)
            {
                ArrayPool<float>.Shared.Return(nhwc);
            }
        }
    }

    /// <summary>(x × k − mean) / std folded into one multiply-add per value; per channel, or per feature when flat.</summary>
    private (float Scale, float Offset) Affine(int channel, float k)
    {
        var mean = _preprocess.Mean[_preprocess.Mean.Length == 1 ? 0 : channel];
        var std = _preprocess.Std[_preprocess.Std.Length == 1 ? 0 : channel];
        return (k / std, -mean / std);
    }

    private bool TryReadShape(ReadOnlySpan<int> shape, out int c, out int h, out int w)
    {
        if (IsFlat)
        {
            (c, h, w) = shape switch
            {
                [1, var f2] => (1, 1, f2),
                [var f1] => (1, 1, f1),
                _ => (0, 0, 0),
            };
            return w == Width;
        }

        (c, h, w) = shape switch
        {
            [1, var a, var b, var d] => IsNhwc ? (d, a, b) : (a, b, d),
            [var a, var b, var d] => IsNhwc ? (d, a, b) : (a, b, d),
            [var h2, var w2] => (1, h2, w2),
            _ => (0, 0, 0),
        };
        return (c == Channels || c == 1) && h >= 1 && w >= 1 && Height % h == 0 && Width % w == 0 && Height / h == Width / w;
    }

    private string ExpectedShape() => string.Create(CultureInfo.InvariantCulture, $"[1,{string.Join(',', SampleShape)}]");

    /// <summary>
    /// The inverse of <see cref="FromSample"/> for a full sample in the model's layout: the raw-unit values whose
    /// scaling and normalisation give <paramref name="normalised"/> (golden samples are written in raw units).
    /// </summary>
    public void ToRaw(ReadOnlySpan<float> normalised, Span<float> raw)
    {
        if (normalised.Length != Length || raw.Length < Length)
        {
            throw new ArgumentException($"a sample has {Length} values; got {normalised.Length} into {raw.Length}", nameof(normalised));
        }

        var plane = Height * Width;
        for (var i = 0; i < Length; i++)
        {
            var (scale, offset) = Affine(IsNhwc ? i % Channels : i / plane, _preprocess.RawScale);
            raw[i] = (normalised[i] - offset) / scale;
        }
    }

    private void CheckDestination(Span<float> destination)
    {
        if (destination.Length < Length)
        {
            throw new ArgumentException($"destination needs {Length} values, has {destination.Length}", nameof(destination));
        }
    }

    private static int FirstNonFinite(ReadOnlySpan<float> data)
    {
        for (var i = 0; i < data.Length; i++)
        {
            if (!float.IsFinite(data[i]))
            {
                return i;
            }
        }

        return -1;
    }

    private static string Join(ReadOnlySpan<int> shape)
    {
        var parts = new string[shape.Length];
        for (var i = 0; i < shape.Length; i++)
        {
            parts[i] = shape[i].ToString(CultureInfo.InvariantCulture);
        }

        return string.Join(',', parts);
    }
}
