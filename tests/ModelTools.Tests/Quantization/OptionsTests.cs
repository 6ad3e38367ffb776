namespace Edge.ModelTools.Tests.Quantization;

using System.Runtime.InteropServices;
using Edge.ModelTools.Calibration;
using Edge.ModelTools.Evaluation;
using Edge.ModelTools.Quantization;
using Edge.TestSupport;
using global::Onnx;

public sealed class OptionsTests
{
    [Theory]
    [InlineData(Architecture.Arm64, ActivationType.Int8)]
    [InlineData(Architecture.Arm, ActivationType.Int8)]
    [InlineData(Architecture.X64, ActivationType.UInt8)]
    public void Auto_picks_the_activation_type_for_the_architecture(Architecture architecture, ActivationType expected) =>
        Assert.Equal(expected, ActivationTypes.Resolve(ActivationType.Auto, architecture));

    [Theory]
    [InlineData(ActivationType.Int8, CalibrationMethod.MinMax, TensorProto.Types.DataType.Int8)]
    [InlineData(ActivationType.UInt8, CalibrationMethod.Percentile, TensorProto.Types.DataType.Uint8)]
    [InlineData(ActivationType.Int8, CalibrationMethod.Percentile, TensorProto.Types.DataType.Int8)]
    public void Each_activation_type_and_calibration_method_keeps_digits_cloud_in_agreement(
        ActivationType type, CalibrationMethod method, TensorProto.Types.DataType zeroPointType)
    {
        var fp32 = File.ReadAllBytes(RepoPaths.Model("digits-cloud.onnx"));
        var heldOut = Quantized.Get("digits-cloud").HeldOut;
        var int8 = ModelQuantizer.Quantize(fp32, "digits-cloud.onnx", Quantized.Calibrate("digits-cloud", 128),
            new QuantizationOptions { ActivationType = type, CalibrationMethod = method, Percentile = 99.99 });

        var graph = ModelProto.Parser.ParseFrom(int8.Bytes).Graph;
        var inputZeroPoint = graph.Initializer.Single(t => t.Name == "input_zero_point");
        Assert.Equal((int)zeroPointType, inputZeroPoint.DataType);
        var fp32Top1 = ModelEvaluator.Predict(fp32, "fp32", heldOut);
        var int8Top1 = ModelEvaluator.Predict(int8.Bytes, "int8", heldOut);
        Assert.True(fp32Top1.Zip(int8Top1).Count(p => p.First == p.Second) >= 0.99 * heldOut.Count);
    }

    [Fact]
    public void Reduce_range_keeps_weights_within_seven_bits()
    {
        var (values, scales) = WeightQuantizer.Quantize([1f, -2f, 0.5f, 4f], [2, 2], 0, reduceRange: true);

        Assert.All(values, v => Assert.InRange(v, -63, 63));
        Assert.Equal([2f / 63, 4f / 63], scales);
    }
}
