namespace Edge.Inference.Tests.Runtime;

using System.Text.Json;
using System.Text.Json.Nodes;
using Edge.Inference;
using Edge.Shared.Config;
using Edge.TestSupport;
using Microsoft.Extensions.Logging.Abstractions;
using Xunit;

public sealed class OnnxModelTests
{
    private static readonly string EdgeManifest = RepoPaths.Model("digits-edge.manifest.json");

    [Fact]
    public void Held_out_accuracy_through_the_runtime_matches_the_manifest()
    {
        using var model = OnnxModel.Load(EdgeManifest, new OnnxModelOptions(), NullLogger.Instance);
        var correct = 0;
        foreach (var sample in HeldOut.Digits)
        {
            using var slot = model.Rent();
            model.Preprocessor.FromTensor([8, 8], sample.Pixels, slot.Input);
            slot.Run();
            correct += slot.Score(ScoreFunction.MaxProbability).ClassIndex == sample.Label ? 1 : 0;
        }

        var accuracy = (double)correct / HeldOut.Digits.Count;
        Assert.Equal(model.Manifest.Metrics!.HeldOutAccuracy!.Value, accuracy, 0.005);
    }

    [Fact]
    public void Held_out_digits_drawn_as_large_images_are_classified_like_their_tensors()
    {
        using var model = OnnxModel.Load(EdgeManifest, new OnnxModelOptions(), NullLogger.Instance);
        using var slot = model.Rent();
        var agree = 0;
        var samples = HeldOut.Digits.Take(60).ToArray();
        foreach (var sample in samples)
        {
            model.Preprocessor.FromTensor([8, 8], sample.Pixels, slot.Input);
            slot.Run();
            var fromTensor = slot.Score(ScoreFunction.MaxProbability).ClassIndex;
            model.Preprocessor.FromImage(TestImages.DigitPng(sample.Pixels, block: 8), slot.Input);
            slot.Run();
            agree += slot.Score(ScoreFunction.MaxProbability).ClassIndex == fromTensor ? 1 : 0;
        }

        Assert.Equal(samples.Length, agree);
    }

    [Fact]
    public void Renting_running_and_scoring_a_slot_allocates_nothing()
    {
        Assert.SkipUnless(Build.IsOptimized, "allocation checks need a Release build (./test.sh)");
        using var model = OnnxModel.Load(EdgeManifest, new OnnxModelOptions { MaxBatch = 4 }, NullLogger.Instance);
        var pixels = HeldOut.Digits[0].Pixels;
        void Answer()
        {
            using var slot = model.Rent();
            model.Preprocessor.FromTensor([8, 8], pixels, slot.Input);
            slot.Run();
            slot.Run(4);
            slot.Score(ScoreFunction.Entropy);
        }

        Answer();
        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 100; i++)
        {
            Answer();
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    [Fact]
    public void A_batch_gives_the_same_logits_as_single_runs()
    {
        using var model = OnnxModel.Load(EdgeManifest, new OnnxModelOptions { MaxBatch = 8, Slots = 1 }, NullLogger.Instance);
        var samples = HeldOut.Digits.Take(5).ToArray();
        using var slot = model.Rent();
        var single = samples.Select(s =>
        {
            model.Preprocessor.FromTensor([8, 8], s.Pixels, slot.Input);
            slot.Run();
            return slot.Output.ToArray();
        }).ToArray();

        for (var i = 0; i < samples.Length; i++)
        {
            model.Preprocessor.FromTensor([8, 8], samples[i].Pixels, slot.InputRow(i));
        }

        slot.Run(samples.Length);
        for (var i = 0; i < samples.Length; i++)
        {
            Assert.Equal(single[i], slot.OutputRow(i).ToArray(), (a, b) => Math.Abs(a - b) < 1e-5f);
        }
    }

    [Fact]
    public async Task Concurrent_callers_get_the_same_answers_as_a_single_caller()
    {
        using var model = OnnxModel.Load(EdgeManifest, new OnnxModelOptions { Slots = 2 }, NullLogger.Instance);
        var samples = HeldOut.Digits.Take(40).ToArray();
        var expected = samples.Select(s => Classify(model, s.Pixels)).ToArray();
        var tasks = Enumerable.Range(0, 8).Select(_ => Task.Run(
            async () =>
            {
                var answers = new int[samples.Length];
                for (var i = 0; i < samples.Length; i++)
                {
                    using var slot = await model.RentAsync(TestContext.Current.CancellationToken);
                    model.Preprocessor.FromTensor([8, 8], samples[i].Pixels, slot.Input);
                    slot.Run();
                    answers[i] = slot.Score(ScoreFunction.MaxProbability).ClassIndex;
                }

                return answers;
            },
            TestContext.Current.CancellationToken));
        foreach (var answers in await Task.WhenAll(tasks))
        {
            Assert.Equal(expected, answers);
        }
    }

    [Theory]
    [InlineData("digits-cloud.manifest.json")]
    [InlineData("camera-mnv2-v1.manifest.json")]
    public void Every_committed_model_loads_and_passes_its_golden_samples(string manifest)
    {
        // Load runs the golden check: 8×8 raw digits upscaled to 96×96 RGB must reproduce torch's logits.
        using var model = OnnxModel.Load(RepoPaths.Model(manifest), new OnnxModelOptions { Slots = 1, MaxBatch = 4 }, NullLogger.Instance);
        Assert.Equal(4, model.MaxBatch);
    }

    [Fact]
    public void A_vendor_runtime_library_that_cannot_be_loaded_falls_back_to_the_bundled_one()
    {
        var options = new OnnxModelOptions { OnnxRuntimePath = "/nonexistent/libonnxruntime.so" };
        using var model = OnnxModel.Load(EdgeManifest, options, NullLogger.Instance);
        var golden = model.Manifest.Golden[0];
        Assert.Equal(golden.ExpectedTop1, Classify(model, golden.Pixels));
    }

    [Fact]
    public void Unavailable_execution_providers_are_skipped_and_cpu_serves()
    {
        using var model = OnnxModel.Load(
            EdgeManifest, new OnnxModelOptions { ExecutionProviders = ["XNNPACK", "QNN", "CPU"] }, NullLogger.Instance);
        Assert.Equal("CPU", model.ExecutionProvider);
        Assert.Equal(["CPU"], model.ExecutionProviders);
    }

    [Fact]
    public void A_model_file_whose_hash_differs_from_the_manifest_is_refused()
    {
        using var dir = new TempModelDir();
        var manifest = dir.CopyEdgeModel(m => m["sha256"] = new string('0', 64));
        var e = Assert.Throws<ModelLoadException>(() => OnnxModel.Load(manifest, new OnnxModelOptions(), NullLogger.Instance));
        Assert.Contains("SHA-256", e.Message, StringComparison.Ordinal);
        Assert.Contains("refusing", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_missing_manifest_is_reported_with_its_path()
    {
        using var dir = new TempModelDir();
        var path = Path.Combine(dir.Path, "nope.manifest.json");
        var e = Assert.Throws<ModelLoadException>(() => OnnxModel.Load(path, new OnnxModelOptions(), NullLogger.Instance));
        Assert.Contains(path, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_manifest_that_is_not_json_is_refused()
    {
        using var dir = new TempModelDir();
        var path = Path.Combine(dir.Path, "bad.manifest.json");
        File.WriteAllText(path, "{ not json");
        var e = Assert.Throws<ModelLoadException>(() => OnnxModel.Load(path, new OnnxModelOptions(), NullLogger.Instance));
        Assert.Contains("not valid JSON", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_manifest_whose_input_name_is_not_in_the_graph_is_refused()
    {
        using var dir = new TempModelDir();
        var manifest = dir.CopyEdgeModel(m => m["input"]!["name"] = "pixels");
        var e = Assert.Throws<ModelLoadException>(() => OnnxModel.Load(manifest, new OnnxModelOptions(), NullLogger.Instance));
        Assert.Contains("no input 'pixels'", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_model_that_disagrees_with_its_golden_samples_is_refused()
    {
        using var dir = new TempModelDir();
        var manifest = dir.CopyEdgeModel(m => m["golden"]![0]!["expectedTop1"] = (m["golden"]![0]!["expectedTop1"]!.GetValue<int>() + 1) % 10);
        var e = Assert.Throws<ModelLoadException>(() => OnnxModel.Load(manifest, new OnnxModelOptions(), NullLogger.Instance));
        Assert.Contains("golden sample 0", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Disposing_a_slot_twice_returns_it_once()
    {
        using var model = OnnxModel.Load(EdgeManifest, new OnnxModelOptions { Slots = 1 }, NullLogger.Instance);
        var slot = model.Rent();
        slot.Dispose();
        slot.Dispose();
        using var first = model.Rent();
        Assert.Same(slot, first);
        Assert.False(model.TryRent(out _));
    }

    [Fact]
    public void A_slot_rented_before_the_model_is_disposed_still_runs_and_returns_cleanly()
    {
        var model = OnnxModel.Load(EdgeManifest, new OnnxModelOptions { Slots = 1 }, NullLogger.Instance);
        var sample = HeldOut.Digits[0];
        var slot = model.Rent();
        model.Dispose();

        model.Preprocessor.FromTensor([8, 8], sample.Pixels, slot.Input);
        slot.Run();
        Assert.Equal(sample.Label, slot.Score(ScoreFunction.MaxProbability).ClassIndex);
        slot.Dispose();
        Assert.Throws<ObjectDisposedException>(() => model.Rent());
    }

    [Fact]
    public async Task Callers_waiting_for_a_slot_are_refused_when_the_model_is_disposed()
    {
        var model = OnnxModel.Load(EdgeManifest, new OnnxModelOptions { Slots = 1 }, NullLogger.Instance);
        var held = model.Rent();
        var ct = TestContext.Current.CancellationToken;
        var waiters = Enumerable.Range(0, 3).Select(_ => model.RentAsync(ct).AsTask()).ToArray();
        Assert.All(waiters, w => Assert.False(w.IsCompleted));

        model.Dispose();
        foreach (var waiter in waiters)
        {
            // A deadline only so a regression fails instead of hanging the run.
            await Assert.ThrowsAsync<ObjectDisposedException>(() => waiter.WaitAsync(TimeSpan.FromSeconds(30), ct));
        }

        held.Dispose();
    }

    private static int Classify(OnnxModel model, float[] pixels)
    {
        using var slot = model.Rent();
        model.Preprocessor.FromTensor([8, 8], pixels, slot.Input);
        slot.Run();
        return slot.Score(ScoreFunction.MaxProbability).ClassIndex;
    }

    private sealed class TempModelDir : IDisposable
    {
        public string Path { get; } = Directory.CreateTempSubdirectory("edge-model-").FullName;

        public string CopyEdgeModel(Action<JsonNode> edit)
        {
            File.Copy(RepoPaths.Model("digits-edge.onnx"), System.IO.Path.Combine(Path, "digits-edge.onnx"));
            var json = JsonNode.Parse(File.ReadAllText(EdgeManifest))!;
            edit(json);
            var manifest = System.IO.Path.Combine(Path, "digits-edge.manifest.json");
            File.WriteAllText(manifest, json.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
            return manifest;
        }

        public void Dispose() => Directory.Delete(Path, recursive: true);
    }
}
