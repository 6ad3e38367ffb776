namespace Edge.ModelTools.Tests.Pruning;

using Edge.ModelTools.Evaluation;
using Edge.ModelTools.Onnx;
using Edge.ModelTools.Pruning;
using Edge.ModelTools.Quantization;
using global::Onnx;

public sealed class MagnitudePrunerTests
{
    [Theory]
    [InlineData(0.5)]
    [InlineData(0.75)]
    public void Reaches_the_requested_sparsity_over_the_pruned_tensors(double sparsity)
    {
        var q = Quantized.Get("camera-mnv2-v1");

        var pruned = MagnitudePruner.Prune(q.Fp32, "camera-mnv2-v1.onnx", new PruningOptions { Sparsity = sparsity });

        var initializers = ModelProto.Parser.ParseFrom(pruned.Bytes).Graph.Initializer.ToDictionary(t => t.Name);
        Assert.Equal(pruned.Tensors.Sum(t => t.Zeros), pruned.Tensors.Sum(t => Tensors.ReadFloats(initializers[t.Name]).Count(v => v == 0f)));
        Assert.InRange(pruned.Sparsity, sparsity - 0.001, sparsity + 0.001);
        Assert.Contains(pruned.Tensors, t => t.Sparsity < sparsity);
        Assert.Contains(pruned.Tensors, t => t.Sparsity > sparsity);
    }

    [Theory]
    [InlineData(0.5)]
    [InlineData(0.75)]
    public void Per_layer_scope_reaches_the_sparsity_on_every_pruned_tensor(double sparsity)
    {
        var q = Quantized.Get("digits-cloud");

        var pruned = MagnitudePruner.Prune(q.Fp32, "digits-cloud.onnx", new PruningOptions { Sparsity = sparsity, Scope = PruningScope.PerLayer });

        Assert.NotEmpty(pruned.Tensors);
        var initializers = ModelProto.Parser.ParseFrom(pruned.Bytes).Graph.Initializer.ToDictionary(t => t.Name);
        Assert.All(pruned.Tensors, t =>
        {
            var zeros = Tensors.ReadFloats(initializers[t.Name]).Count(v => v == 0f);
            Assert.Equal(t.Zeros, zeros);
            Assert.InRange(zeros, (int)(sparsity * t.Parameters), t.Parameters - 1);
        });
        Assert.True(pruned.Sparsity >= sparsity - 0.01, $"{pruned.Sparsity}");
    }

    [Fact]
    public void Leaves_biases_and_tiny_layers_whole()
    {
        var fp32 = Quantized.Get("digits-edge").Fp32;
        var original = ModelProto.Parser.ParseFrom(fp32).Graph.Initializer.ToDictionary(t => t.Name);

        var pruned = MagnitudePruner.Prune(fp32, "digits-edge.onnx", new PruningOptions { Sparsity = 0.9, MinParameters = 256 });

        var after = ModelProto.Parser.ParseFrom(pruned.Bytes).Graph.Initializer.ToDictionary(t => t.Name);
        Assert.NotEmpty(pruned.Skipped);
        var whole = after.Keys.Where(n => pruned.Tensors.All(t => t.Name != n)).ToList();
        Assert.Contains(pruned.Skipped[0], whole);
        Assert.All(whole, n => Assert.Equal(Tensors.ReadFloats(original[n]), Tensors.ReadFloats(after[n])));
        Assert.All(pruned.Tensors, t => Assert.True(original[t.Name].Dims.Count >= 2 && t.Parameters >= 256));
    }

    [Fact]
    public void The_pruned_model_still_loads_runs_and_quantizes()
    {
        var q = Quantized.Get("digits-cloud");
        var pruned = MagnitudePruner.Prune(q.Fp32, "digits-cloud.onnx", new PruningOptions { Sparsity = 0.25 });

        var predictions = ModelEvaluator.Predict(pruned.Bytes, "pruned", q.HeldOut);
        var int8 = ModelQuantizer.Quantize(pruned.Bytes, "pruned", q.Calibration, new QuantizationOptions());
        var report = ModelEvaluator.Compare(q.Fp32, int8, q.HeldOut, q.Calibration);

        Assert.Equal(q.HeldOut.Count, predictions.Length);
        Assert.All(predictions, p => Assert.InRange(p, 0, 9));
        Assert.Equal(q.Report.Fp32Top1, report.Fp32Top1);
        Assert.True(report.Int8Top1 > 90, report.ToString());
    }

    [Fact]
    public void The_gate_refuses_an_over_pruned_model_against_the_unpruned_fp32()
    {
        var q = Quantized.Get("digits-cloud");
        var pruned = MagnitudePruner.Prune(q.Fp32, "digits-cloud.onnx", new PruningOptions { Sparsity = 0.99 });
        var int8 = ModelQuantizer.Quantize(pruned.Bytes, "pruned", q.Calibration, new QuantizationOptions());
        var report = ModelEvaluator.Compare(q.Fp32, int8, q.HeldOut, q.Calibration);

        var e = Assert.Throws<AccuracyGateException>(() => AccuracyGate.Check(report, new AccuracyGateOptions { MaxTop1DropPoints = 1.0 }));

        Assert.True(report.Top1Drop > 1.0);
        Assert.Contains("INT8 model refused", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Leaves_depthwise_convolutions_whole_unless_asked()
    {
        var fp32 = Quantized.Get("camera-mnv2-v1").Fp32;

        var whole = MagnitudePruner.Prune(fp32, "camera-mnv2-v1.onnx", new PruningOptions());
        var all = MagnitudePruner.Prune(fp32, "camera-mnv2-v1.onnx", new PruningOptions { PruneGroupedConvolutions = true });

        Assert.True(all.Tensors.Count > whole.Tensors.Count);
        Assert.NotEmpty(whole.Skipped);
        Assert.All(whole.Skipped.Where(n => all.Tensors.Any(t => t.Name == n)), n => Assert.DoesNotContain(whole.Tensors, t => t.Name == n));
        Assert.Contains(whole.Skipped, n => all.Tensors.Any(t => t.Name == n));
    }

    [Fact]
    public void Zeroes_exactly_the_smallest_magnitudes()
    {
        float[] values = [0.5f, -0.1f, 3f, -2f, 0.2f, 1f];

        var zeros = MagnitudePruner.ZeroSmallest(values, 3);

        Assert.Equal(3, zeros);
        Assert.Equal([0f, 0f, 3f, -2f, 0f, 1f], values);
    }

    [Fact]
    public void Refuses_a_sparsity_of_one_or_more()
    {
        var fp32 = Quantized.Get("digits-edge").Fp32;

        Assert.Throws<ArgumentOutOfRangeException>(() => MagnitudePruner.Prune(fp32, "digits-edge.onnx", new PruningOptions { Sparsity = 1 }));
    }
}
