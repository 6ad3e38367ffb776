namespace Edge.ModelTools.Tests.Quantization;

using Edge.ModelTools.Quantization;

public sealed class WeightQuantizerTests
{
    [Fact]
    public void Scales_each_output_channel_by_its_own_absolute_maximum()
    {
        // [2 channels, 3 values]: channel 0 spans ±1, channel 1 ±0.01 (one shared scale would crush it); halves round to even.
        var (values, scales) = WeightQuantizer.Quantize([1f, -0.5f, 0.25f, 0.01f, -0.01f, 0.004f], [2, 3], 0, reduceRange: false);

        Assert.Equal([1f / 127, 0.01f / 127], scales);
        Assert.Equal(new sbyte[] { 127, -64, 32, 127, -127, 51 }, values);
    }

    [Fact]
    public void Quantizes_along_the_last_axis_for_an_untransposed_gemm_weight()
    {
        var (_, scales) = WeightQuantizer.Quantize([1f, 2f, -3f, 0.5f], [2, 2], 1, reduceRange: false);

        Assert.Equal([3f / 127, 2f / 127], scales);
    }

    [Fact]
    public void An_all_zero_channel_gets_a_usable_scale()
    {
        var (values, scales) = WeightQuantizer.Quantize([0f, 0f, 1f, 1f], [2, 2], 0, reduceRange: false);

        Assert.Equal(1f, scales[0]);
        Assert.Equal(new sbyte[] { 0, 0, 127, 127 }, values);
    }

    [Fact]
    public void Bias_is_int32_on_input_scale_times_weight_scale()
    {
        var (values, scales) = WeightQuantizer.QuantizeBias([0.5f, -1f], 0.1f, [0.01f, 0.02f]);

        Assert.Equal([500, -500], values);
        Assert.Equal(0.1f * 0.01f, scales[0]);
        Assert.Equal(0.1f * 0.02f, scales[1]);
    }
}
