namespace Edge.Inference.Tests.Preprocessing;

using Edge.Inference;
using Edge.Shared.Models;
using Edge.TestSupport;
using Xunit;

public sealed class PreprocessorTests
{
    private static readonly float[] Ramp = Enumerable.Range(0, 64).Select(i => (float)(i % 17)).ToArray();

    [Theory]
    [InlineData(new[] { 1, 1, 8, 8 })]
    [InlineData(new[] { 1, 8, 8 })]
    [InlineData(new[] { 8, 8 })]
    public void Accepts_the_model_shape_with_or_without_batch_and_channel(int[] shape)
    {
        var destination = new float[64];
        Digits().FromTensor(shape, Ramp, destination);
        Assert.Equal(Ramp.Select(v => v / 16f), destination);
    }

    [Fact]
    public void Refuses_a_wrong_shape_naming_the_expected_one()
    {
        var e = Assert.Throws<InvalidInputException>(() => Digits().FromTensor([1, 1, 8, 9], new float[72], new float[64]));
        Assert.Equal("expected shape [1,1,8,8] (64 values), got [1,1,8,9]", e.Message);
    }

    [Theory]
    [InlineData(new[] { 2, 1, 8, 8 })]
    [InlineData(new[] { 64 })]
    [InlineData(new int[0])]
    [InlineData(new[] { 1, 1, 1, 8, 8 })]
    public void Refuses_other_shapes(int[] shape)
    {
        Assert.Throws<InvalidInputException>(() => Digits().FromTensor(shape, new float[64], new float[64]));
    }

    [Fact]
    public void A_gray_tensor_is_replicated_into_every_channel_of_an_rgb_model()
    {
        var destination = new float[48];
        Rgb(4, 4).FromTensor([4, 4], Enumerable.Repeat(255f, 16).ToArray(), destination);
        Assert.All(destination, v => Assert.Equal(1f, v, 1e-6f));
    }

    [Fact]
    public void A_small_tensor_is_upscaled_by_a_whole_factor_with_half_pixel_bilinear()
    {
        var gray = new float[48];
        Rgb(4, 4, rawScale: 1f).FromTensor([1, 1, 2, 2], [0f, 4f, 0f, 4f], gray);
        Assert.Equal([0f, 1f, 3f, 4f], gray[..4]);
        Assert.Equal(gray[..16], gray[16..32]);
    }

    [Theory]
    [InlineData(new[] { 1, 1, 3, 3 })]
    [InlineData(new[] { 1, 1, 4, 2 })]
    [InlineData(new[] { 1, 2, 4, 4 })]
    public void Refuses_sizes_that_do_not_scale_up_by_one_whole_factor(int[] shape)
    {
        var data = new float[shape.Aggregate(1, (a, b) => a * b)];
        Assert.Throws<InvalidInputException>(() => Digits().FromTensor(shape, data, new float[64]));
    }

    [Fact]
    public void Refuses_data_that_does_not_fill_the_shape()
    {
        var e = Assert.Throws<InvalidInputException>(() => Digits().FromTensor([1, 1, 8, 8], new float[63], new float[64]));
        Assert.Equal("shape [1,1,8,8] needs 64 values, got 63", e.Message);
    }

    [Theory]
    [InlineData(float.NaN)]
    [InlineData(float.PositiveInfinity)]
    [InlineData(float.NegativeInfinity)]
    public void Refuses_values_that_are_not_finite(float bad)
    {
        var data = (float[])Ramp.Clone();
        data[5] = bad;
        var e = Assert.Throws<InvalidInputException>(() => Digits().FromTensor([8, 8], data, new float[64]));
        Assert.StartsWith("data[5] is ", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Normalises_each_channel_with_its_mean_and_std()
    {
        var rgb = Rgb(1, 1, mean: [0.5f, 0f, 1f], std: [0.5f, 1f, 2f], rawScale: 1f);
        var destination = new float[3];
        rgb.FromTensor([1, 3, 1, 1], [1f, 1f, 1f], destination);
        Assert.Equal([1f, 1f, 0f], destination);
    }

    [Fact]
    public void A_digit_image_gives_the_same_input_as_its_raw_tensor()
    {
        var fromTensor = new float[64];
        var fromImage = new float[64];
        Digits().FromTensor([8, 8], Ramp, fromTensor);
        Digits().FromImage(TestImages.DigitPng(Ramp), fromImage);
        for (var i = 0; i < 64; i++)
        {
            Assert.Equal(fromTensor[i], fromImage[i], 1f / 255f);
        }
    }

    [Fact]
    public void A_large_digit_image_is_area_averaged_down_to_the_model_size()
    {
        var fromTensor = new float[64];
        var fromImage = new float[64];
        Digits().FromTensor([8, 8], Ramp, fromTensor);
        Digits().FromImage(TestImages.DigitPng(Ramp, block: 8), fromImage);
        for (var i = 0; i < 64; i++)
        {
            Assert.Equal(fromTensor[i], fromImage[i], 1f / 255f);
        }
    }

    [Fact]
    public void A_gray_image_is_replicated_into_every_channel_of_an_rgb_model()
    {
        var destination = new float[3 * 4 * 4];
        Rgb(4, 4).FromImage(TestImages.GrayPng(2, 2, (_, _) => 255), destination);
        Assert.All(destination, v => Assert.Equal(1f, v, 1e-6f));
    }

    [Fact]
    public void Refuses_bytes_that_are_not_an_image()
    {
        var e = Assert.Throws<InvalidInputException>(() => Digits().FromImage("hello, world"u8.ToArray(), new float[64]));
        Assert.Contains("not a PNG or JPEG", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Refuses_a_corrupt_png()
    {
        var png = TestImages.DigitPng(Ramp, block: 4);
        for (var i = 40; i < png.Length - 12; i++)
        {
            png[i] ^= 0x5A;
        }

        Assert.Throws<InvalidInputException>(() => Digits().FromImage(png, new float[64]));
    }

    [Theory]
    [InlineData("png")]
    [InlineData("jpeg")]
    public void Every_truncation_and_byte_flip_of_an_image_is_either_decoded_or_refused_as_bad_input(string format)
    {
        // ImageSharp's own decoders throw NullReferenceException / IndexOutOfRangeException on some crafted
        // files; those must surface as the caller's bad input, never as a model error that rolls back an update.
        var png = TestImages.DigitPng(Ramp, block: 4);
        var image = format == "png" ? png : TestImages.Reencode(png, new SixLabors.ImageSharp.Formats.Jpeg.JpegEncoder());
        var preprocessor = Digits();
        var destination = new float[64];
        var variants = Enumerable.Range(1, image.Length - 1).Select(n => image[..n])
            .Concat(Enumerable.Range(0, image.Length).Select(i =>
            {
                var flipped = image.ToArray();
                flipped[i] ^= 0xFF;
                return flipped;
            }));
        foreach (var variant in variants)
        {
            try
            {
                preprocessor.FromImage(variant, destination);
            }
            catch (InvalidInputException)
            {
            }
        }
    }

    [Fact]
    public void Refuses_an_image_over_the_pixel_limit_before_decoding_it()
    {
        var preprocessor = new Preprocessor(DigitsInput(), maxImagePixels: 32 * 32);
        var e = Assert.Throws<InvalidInputException>(() => preprocessor.FromImage(TestImages.GrayPng(64, 64, (_, _) => 0), new float[64]));
        Assert.Contains("limit", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Refuses_a_long_thin_image_within_the_pixel_limit_naming_the_side_limit()
    {
        var e = Assert.Throws<InvalidInputException>(
            () => Rgb(96, 96).FromImage(TestImages.GrayPng(1, ImageDecoder.MaxSide + 1, (_, _) => 0), new float[3 * 96 * 96]));
        Assert.Contains("neither side may exceed", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_one_pixel_image_fills_the_whole_input_with_its_value()
    {
        var destination = new float[64];
        Digits().FromImage(TestImages.GrayPng(1, 1, (_, _) => 0), destination);
        Assert.All(destination, v => Assert.Equal(1f, v, 1e-6f));
    }

    [Fact]
    public void A_16_bit_png_gives_the_same_input_as_its_8_bit_twin()
    {
        var expected = new float[64];
        var actual = new float[64];
        Digits().FromImage(TestImages.DigitPng(Ramp, block: 2), expected);
        Digits().FromImage(TestImages.Reencode(TestImages.DigitPng(Ramp, block: 2), TestImages.SixteenBitPng), actual);
        Assert.Equal(expected, actual, (a, b) => Math.Abs(a - b) < 1e-6f);
    }

    [Fact]
    public void An_nhwc_model_gets_its_nchw_twins_values_interleaved_from_images_and_tensors()
    {
        var png = ColourPng(4, 4);
        var nchw = new float[48];
        var nhwc = new float[48];
        Rgb(4, 4).FromImage(png, nchw);
        Rgb(4, 4, layout: "NHWC").FromImage(png, nhwc);
        AssertInterleaved(nchw, nhwc);

        var planar = Enumerable.Range(0, 48).Select(i => (float)i).ToArray();
        var interleaved = new float[48];
        for (var p = 0; p < 16; p++)
        {
            for (var c = 0; c < 3; c++)
            {
                interleaved[(p * 3) + c] = planar[(c * 16) + p];
            }
        }

        Rgb(4, 4).FromTensor([1, 3, 4, 4], planar, nchw);
        Rgb(4, 4, layout: "NHWC").FromTensor([1, 4, 4, 3], interleaved, nhwc);
        AssertInterleaved(nchw, nhwc);
    }

    [Fact]
    public void A_bgr_model_gets_an_images_channels_in_reverse_order()
    {
        var png = ColourPng(4, 4);
        var rgb = new float[48];
        var bgr = new float[48];
        Rgb(4, 4).FromImage(png, rgb);
        Rgb(4, 4, colour: "bgr").FromImage(png, bgr);

        Assert.NotEqual(rgb.AsSpan(0, 16).ToArray(), rgb.AsSpan(32, 16).ToArray());
        Assert.Equal(rgb.AsSpan(32, 16).ToArray(), bgr.AsSpan(0, 16).ToArray());
        Assert.Equal(rgb.AsSpan(16, 16).ToArray(), bgr.AsSpan(16, 16).ToArray());
        Assert.Equal(rgb.AsSpan(0, 16).ToArray(), bgr.AsSpan(32, 16).ToArray());
    }

    [Fact]
    public void A_flat_model_standardises_each_feature_with_its_own_mean_and_std()
    {
        var preprocessor = new Preprocessor(new ModelInput
        {
            Name = "input",
            Shape = [-1, 3],
            Layout = "NF",
            Preprocess = new Preprocess { RawScale = 2f, Mean = [0f, 1f, 2f], Std = [1f, 2f, 4f] },
        });
        var destination = new float[3];

        preprocessor.FromTensor([3], [1f, 1f, 1f], destination);

        Assert.Equal([2f, 0.5f, 0f], destination);
    }

    [Fact]
    public void Center_crop_reads_only_the_middle_of_a_wide_image_and_stretch_reads_all_of_it()
    {
        // 16×8: black quarters left and right of a white 8×8 centre.
        var png = TestImages.GrayPng(16, 8, (x, _) => x is >= 4 and < 12 ? (byte)255 : (byte)0);
        var cropped = new float[64];
        var stretched = new float[64];

        Gray(8, 8, "centerCrop").FromImage(png, cropped);
        Gray(8, 8, "stretch").FromImage(png, stretched);

        Assert.All(cropped, v => Assert.Equal(1f, v, 1e-6f));
        Assert.Equal(0f, stretched[0], 1e-6f);
        Assert.Equal(0f, stretched[7], 1e-6f);
    }

    [Fact]
    public void Letterbox_keeps_a_wide_image_whole_and_pads_above_and_below_with_the_pad_value()
    {
        var png = TestImages.GrayPng(16, 8, (_, _) => 255);
        var destination = new float[64];

        Gray(8, 8, "letterbox", padValue: 0.25f).FromImage(png, destination);

        for (var y = 0; y < 8; y++)
        {
            var expected = y is >= 2 and < 6 ? 1f : 0.25f;
            Assert.All(destination.AsSpan(y * 8, 8).ToArray(), v => Assert.Equal(expected, v, 1e-6f));
        }
    }

    private static Preprocessor Gray(int h, int w, string resize, float padValue = 0f) => new(new ModelInput
    {
        Name = "input",
        Shape = [-1, 1, h, w],
        Resize = resize,
        PadValue = padValue,
        Preprocess = new Preprocess { Mean = [0f], Std = [1f] },
    });

    private static void AssertInterleaved(float[] nchw, float[] nhwc)
    {
        for (var p = 0; p < 16; p++)
        {
            for (var c = 0; c < 3; c++)
            {
                Assert.Equal(nchw[(c * 16) + p], nhwc[(p * 3) + c]);
            }
        }
    }

    private static byte[] ColourPng(int width, int height)
    {
        using var image = new SixLabors.ImageSharp.Image<SixLabors.ImageSharp.PixelFormats.Rgb24>(width, height);
        for (var y = 0; y < height; y++)
        {
            for (var x = 0; x < width; x++)
            {
                image[x, y] = new SixLabors.ImageSharp.PixelFormats.Rgb24((byte)(x * 60), (byte)(y * 60), 100);
            }
        }

        using var stream = new MemoryStream();
        SixLabors.ImageSharp.ImageExtensions.SaveAsPng(image, stream);
        return stream.ToArray();
    }

    private static Preprocessor Digits() => new(DigitsInput());

    private static ModelInput DigitsInput() => new()
    {
        Name = "input",
        Shape = [-1, 1, 8, 8],
        Preprocess = new Preprocess { RawScale = 1f / 16f, InvertImage = true, Mean = [0f], Std = [1f] },
    };

    private static Preprocessor Rgb(int h, int w, float[]? mean = null, float[]? std = null, float rawScale = 1f / 255f, string layout = "NCHW", string colour = "rgb") => new(new ModelInput
    {
        Name = "input",
        Shape = layout == "NHWC" ? [-1, h, w, 3] : [-1, 3, h, w],
        Layout = layout,
        ColorSpace = colour,
        Preprocess = new Preprocess { RawScale = rawScale, Mean = mean ?? [0f], Std = std ?? [1f] },
    });
}
