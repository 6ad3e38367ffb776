namespace Edge.ModelTools.Tests.Calibration;

using Edge.ModelTools.Calibration;
using Edge.ModelTools.Evaluation;
using Edge.ModelTools.Onnx;
using Edge.ModelTools.Quantization;

public sealed class EntropyCalibrationTests
{
    [Fact]
    public void Keeps_digits_cloud_in_agreement_with_fp32()
    {
        var q = Quantized.Get("digits-cloud");

        var int8 = ModelQuantizer.Quantize(q.Fp32, "digits-cloud.onnx", q.Calibration, new QuantizationOptions { CalibrationMethod = CalibrationMethod.Entropy });

        var fp32Top1 = ModelEvaluator.Predict(q.Fp32, "fp32", q.HeldOut);
        var int8Top1 = ModelEvaluator.Predict(int8.Bytes, "int8", q.HeldOut);
        Assert.True(fp32Top1.Zip(int8Top1).Count(p => p.First == p.Second) >= 0.99 * q.HeldOut.Count);
    }

    [Fact]
    public void Picks_ranges_no_wider_than_min_max()
    {
        var q = Quantized.Get("digits-cloud");
        var model = OnnxFile.Parse(q.Fp32, "digits-cloud.onnx");
        var tensors = QdqPlan.Create(model.Clone()).Tensors;

        var minMax = RangeCollector.Collect(model, tensors, q.Calibration, CalibrationMethod.MinMax, 99.99, 32);
        var entropy = RangeCollector.Collect(model, tensors, q.Calibration, CalibrationMethod.Entropy, 99.99, 32);

        Assert.Equal(minMax.Keys.Order(), entropy.Keys.Order());
        Assert.All(entropy, kv =>
        {
            Assert.InRange(kv.Value.Min, minMax[kv.Key].Min, 0f);
            Assert.InRange(kv.Value.Max, 0f, minMax[kv.Key].Max);
        });
        Assert.Contains(entropy, kv => kv.Value.Max < minMax[kv.Key].Max);
    }

    [Fact]
    public void Clips_a_lone_outlier_but_keeps_a_dense_distribution_whole()
    {
        var dense = Enumerable.Repeat(1000L, 2048).ToArray();
        var outlier = new long[2048];
        for (var i = 0; i < 200; i++)
        {
            outlier[i] = 1000 - (i * 5);
        }

        outlier[2047] = 1;

        Assert.Equal(2048, EntropyCalibrator.Threshold(dense));
        Assert.InRange(EntropyCalibrator.Threshold(outlier), 128, 400);
    }
}
