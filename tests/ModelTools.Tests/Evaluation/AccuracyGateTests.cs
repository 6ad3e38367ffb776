namespace Edge.ModelTools.Tests.Evaluation;

using Edge.ModelTools.Evaluation;

public sealed class AccuracyGateTests
{
    [Fact]
    public void Passes_the_quantized_digits_model_under_the_default_one_point_bound()
    {
        var report = Quantized.Get("digits-cloud").Report;

        AccuracyGate.Check(report, new AccuracyGateOptions());
        Assert.True(report.Top1Drop <= 1.0);
    }

    [Fact]
    public void Refuses_when_the_drop_exceeds_the_bound_and_names_the_weakest_layers()
    {
        var report = Quantized.Get("digits-edge").Report;

        var e = Assert.Throws<AccuracyGateException>(() => AccuracyGate.Check(report, new AccuracyGateOptions { MaxTop1DropPoints = -1 }));

        Assert.Contains("INT8 model refused", e.Message, StringComparison.Ordinal);
        Assert.Contains("more than the allowed -1.00", e.Message, StringComparison.Ordinal);
        Assert.Contains("Gemm '", e.Message, StringComparison.Ordinal);
        Assert.Same(report, e.Report);
    }

    [Fact]
    public void Reports_an_error_for_every_quantized_layer()
    {
        var q = Quantized.Get("camera-mnv2-v1");

        Assert.Equal(q.Int8.Layers.Count, q.Report.Layers.Count);
        Assert.All(q.Report.Layers, l => Assert.InRange(l.RelativeL2, 0.0, 0.5));
        Assert.All(q.Report.Layers, l => Assert.True(l.SqnrDb > 10, $"{l.NodeName}: {l.SqnrDb} dB"));
    }
}
