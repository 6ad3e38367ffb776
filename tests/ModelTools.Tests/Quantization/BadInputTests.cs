namespace Edge.ModelTools.Tests.Quantization;

using System.Text;
using Edge.ModelTools.Calibration;
using Edge.ModelTools.Quantization;
using Edge.TestSupport;

public sealed class BadInputTests
{
    private static readonly byte[] DigitsEdge = File.ReadAllBytes(RepoPaths.Model("digits-edge.onnx"));

    [Fact]
    public void No_calibration_data_is_refused_before_any_work()
    {
        var empty = new TensorSet([1, 8, 8], []);

        var e = Assert.Throws<QuantizationException>(() => ModelQuantizer.Quantize(DigitsEdge, "digits-edge.onnx", empty, new QuantizationOptions()));

        Assert.Contains("no calibration data for 'digits-edge.onnx'", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Dynamic_mode_and_pruning_refuse_a_file_that_is_not_onnx_by_name()
    {
        var text = Encoding.UTF8.GetBytes("this is a text file, not a model");

        var dynamic = Assert.Throws<QuantizationException>(() => ModelQuantizer.Quantize(
            text, "upload.onnx", new TensorSet([1, 8, 8], []), new QuantizationOptions { Mode = QuantizationMode.Dynamic }));
        var pruning = Assert.Throws<QuantizationException>(() =>
            Edge.ModelTools.Pruning.MagnitudePruner.Prune(text, "upload.onnx", new Edge.ModelTools.Pruning.PruningOptions()));

        Assert.Contains("'upload.onnx' is not an ONNX model", dynamic.Message, StringComparison.Ordinal);
        Assert.Contains("'upload.onnx' is not an ONNX model", pruning.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("")]
    [InlineData("this is a text file, not a model")]
    [InlineData("{\"name\": \"digits-edge\"}")]
    public void A_file_that_is_not_onnx_is_named_in_the_error(string content)
    {
        var e = Assert.Throws<QuantizationException>(() =>
            ModelQuantizer.Quantize(Encoding.UTF8.GetBytes(content), "upload.onnx", Quantized.Calibrate("digits-edge", 4), new QuantizationOptions()));

        Assert.Contains("'upload.onnx'", e.Message, StringComparison.Ordinal);
        Assert.Contains("ONNX model", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Calibration_tensors_of_another_shape_are_refused_with_both_shapes()
    {
        var digits = Quantized.Calibrate("digits-edge", 4);
        var camera = File.ReadAllBytes(RepoPaths.Model("camera-mnv2-v1.onnx"));

        var e = Assert.Throws<QuantizationException>(() => ModelQuantizer.Quantize(camera, "camera-mnv2-v1.onnx", digits, new QuantizationOptions()));

        Assert.Contains("is [?,3,96,96]", e.Message, StringComparison.Ordinal);
        Assert.Contains("[N,1,8,8]", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Samples_of_the_wrong_length_are_refused()
    {
        var e = Assert.Throws<QuantizationException>(() => new TensorSet([1, 8, 8], [new float[64], new float[63]]));

        Assert.Contains("sample 1 has 63 values", e.Message, StringComparison.Ordinal);
    }
}
