namespace Edge.Inference.Tests.Runtime;

using System.Text.Json;
using System.Text.Json.Nodes;
using Edge.Inference;
using Edge.Shared.Config;
using Edge.TestSupport;
using Microsoft.Extensions.Logging.Abstractions;
using Xunit;

/// <summary>
/// Classifiers in the layouts other tools export (tools/models/byo.py): a flat [N,64] vector model and an NHWC uint8
/// model, both ending in Softmax at opsets 11 and 12, loaded and answered as the agent does; and five more with their
/// own labelled JSON lines (models/byo/data): an opset 9 CNN, a one-output sigmoid OK/NG model, a 48×192 RGB text
/// direction model fed PNG images, a MobileNetV3-style graph with unfused BatchNorm and its weights in Constant nodes,
/// and a ResNet-style graph.
/// </summary>
public sealed class BringYourOwnModelTests : IDisposable
{
    private static readonly string Flat = RepoPaths.Model("byo/byo-flat-softmax.manifest.json");
    private static readonly string Nhwc = RepoPaths.Model("byo/byo-nhwc-uint8.manifest.json");

    private static readonly string Sigmoid = RepoPaths.Model("byo/byo-sigmoid-okng.manifest.json");

    private readonly string _dir = Directory.CreateTempSubdirectory("edge-byo-").FullName;

    [Theory]
    [InlineData("byo-opset9-softmax", "probabilities")]
    [InlineData("byo-sigmoid-okng", "sigmoid")]
    [InlineData("byo-text-48x192", "probabilities")]
    [InlineData("byo-mnv3-bn-constant", "probabilities")]
    [InlineData("byo-resnet", "probabilities")]
    public void A_model_with_its_own_held_out_lines_loads_and_answers_them_within_two_points_of_its_manifest(string name, string kind)
    {
        using var model = OnnxModel.Load(RepoPaths.Model($"byo/{name}.manifest.json"), new OnnxModelOptions(), NullLogger.Instance);
        using var slot = model.Rent();
        var heldOut = ReadLines(RepoPaths.Model($"byo/data/{name}-heldout.jsonl"));
        var correct = 0;
        foreach (var (tensor, image, label) in heldOut)
        {
            if (tensor is not null)
            {
                model.Preprocessor.FromSample(tensor, slot.Input);
            }
            else
            {
                model.Preprocessor.FromImage(image!, slot.Input);
            }

            slot.Run();
            correct += model.Manifest.Labels[slot.Score(ScoreFunction.MaxProbability).ClassIndex] == label ? 1 : 0;
        }

        Assert.Equal(kind, OutputKinds.Name(model.OutputKind));
        Assert.Equal(model.Manifest.Metrics!.HeldOutCount!.Value, heldOut.Count);
        Assert.Equal(model.Manifest.Metrics.HeldOutAccuracy!.Value, (double)correct / heldOut.Count, 0.02);
    }

    [Fact]
    public void A_model_s_calibration_lines_carry_only_its_labels_and_none_of_its_held_out_samples()
    {
        foreach (var name in new[] { "byo-opset9-softmax", "byo-sigmoid-okng", "byo-text-48x192", "byo-mnv3-bn-constant", "byo-resnet" })
        {
            var labels = JsonNode.Parse(File.ReadAllText(RepoPaths.Model($"byo/{name}.manifest.json")))!["labels"]!.AsArray().Select(l => (string)l!).ToHashSet();
            var calibration = ReadLines(RepoPaths.Model($"byo/data/{name}-calibration.jsonl"));
            var heldOut = ReadLines(RepoPaths.Model($"byo/data/{name}-heldout.jsonl"));

            Assert.All(calibration.Concat(heldOut), line => Assert.Contains(line.Label, labels));
            Assert.InRange(calibration.Count, 100, 200);
            Assert.Empty(calibration.Select(Key).Intersect(heldOut.Select(Key)));
        }

        static string Key((float[]? Tensor, byte[]? Image, string Label) line) =>
            line.Tensor is { } t ? string.Join(',', t) : Convert.ToBase64String(line.Image!);
    }

    [Fact]
    public void A_sigmoid_model_reports_the_probability_of_its_second_label()
    {
        using var model = OnnxModel.Load(Sigmoid, new OnnxModelOptions(), NullLogger.Instance);
        using var slot = model.Rent();
        var (tensor, _, _) = ReadLines(RepoPaths.Model("byo/data/byo-sigmoid-okng-heldout.jsonl"))[0];
        model.Preprocessor.FromSample(tensor, slot.Input);
        slot.Run();

        var score = slot.Score(ScoreFunction.MaxProbability);

        Assert.Equal(new[] { "OK", "NG" }, model.Manifest.Labels);
        Assert.Equal(1, slot.Output.Length);
        Assert.Equal(score.ClassIndex == 1 ? slot.Output[0] : 1 - slot.Output[0], (float)score.Score, 1e-4f);
    }

    [Fact]
    public void A_manifest_claiming_logits_for_a_sigmoid_model_is_refused_naming_the_sigmoid_node()
    {
        var manifest = Copy(Sigmoid, "byo-sigmoid-okng.onnx", json => json["output"]!["kind"] = "logits");

        var e = Assert.Throws<ModelLoadException>(() => OnnxModel.Load(manifest, new OnnxModelOptions(), NullLogger.Instance));

        Assert.Contains("with a Sigmoid node", e.Message, StringComparison.Ordinal);
        Assert.Contains("\"kind\": \"sigmoid\"", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_flat_vector_model_answers_held_out_digits_at_its_accuracy_with_its_own_probabilities()
    {
        using var model = OnnxModel.Load(Flat, new OnnxModelOptions(), NullLogger.Instance);
        using var slot = model.Rent();
        var correct = 0;
        foreach (var sample in HeldOut.Digits)
        {
            model.Preprocessor.FromTensor([1, 64], sample.Pixels, slot.Input);
            slot.Run();
            var score = slot.Score(ScoreFunction.MaxProbability);
            correct += score.ClassIndex == sample.Label ? 1 : 0;

            // Temperature 1 on probabilities: the score is the model's own top probability, not softmax(p).
            Assert.Equal(slot.Output.ToArray().Max(), (float)score.Score, 1e-4f);
        }

        Assert.Equal(model.Manifest.Metrics!.HeldOutAccuracy!.Value, (double)correct / HeldOut.Digits.Count, 0.005);
    }

    [Theory]
    [InlineData(0, 0)]
    [InlineData(3, 3)]
    [InlineData(25, 10)]
    public async Task A_prediction_lists_the_top_k_classes_best_first_at_most_every_class(int topK, int listed)
    {
        using var model = OnnxModel.Load(Flat, new OnnxModelOptions { TopK = topK }, NullLogger.Instance);

        var prediction = await model.PredictAsync(PredictionInput.FromTensor(HeldOut.Digits[5].Pixels), ScoreFunction.Margin, TestContext.Current.CancellationToken);

        Assert.Equal(listed, prediction.Top.Length);
        if (listed > 0)
        {
            Assert.Equal((prediction.Label, prediction.Probability), (prediction.Top[0].Label, prediction.Top[0].Probability));
            Assert.Equal(prediction.Top.OrderByDescending(t => t.Probability).ToArray(), prediction.Top);
            Assert.Equal(listed, prediction.Top.Select(t => t.Label).Distinct().Count());
        }

        if (listed == 10)
        {
            Assert.Equal(1.0, prediction.Top.Sum(t => t.Probability), 1e-5);
        }
    }

    [Fact]
    public void A_flat_vector_model_refuses_an_image_saying_it_takes_a_vector()
    {
        using var model = OnnxModel.Load(Flat, new OnnxModelOptions(), NullLogger.Instance);
        using var slot = model.Rent();

        var e = Assert.Throws<InvalidInputException>(() => model.Preprocessor.FromImage(TestImages.DigitPng(HeldOut.Digits[0].Pixels), slot.Input));

        Assert.Contains("vector of 64 values", e.Message, StringComparison.Ordinal);
        Assert.Contains("[1,64]", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_flat_vector_model_refuses_a_tensor_of_another_length_naming_the_shape_it_takes()
    {
        using var model = OnnxModel.Load(Flat, new OnnxModelOptions(), NullLogger.Instance);
        using var slot = model.Rent();

        var e = Assert.Throws<InvalidInputException>(() => model.Preprocessor.FromTensor([8, 8], HeldOut.Digits[0].Pixels, slot.Input));

        Assert.Contains("expected shape [1,64]", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_nhwc_uint8_model_answers_held_out_digits_as_tensors_and_as_images_alike()
    {
        using var model = OnnxModel.Load(Nhwc, new OnnxModelOptions(), NullLogger.Instance);
        using var slot = model.Rent();
        var correct = 0;
        foreach (var sample in HeldOut.Digits)
        {
            // The model's own input: paper-white pixels 0..255, [1,H,W,C].
            var paper = sample.Pixels.Select(raw => (float)TestImages.InkToPaper(raw)).ToArray();
            model.Preprocessor.FromTensor([1, 8, 8, 1], paper, slot.Input);
            slot.Run();
            var fromTensor = slot.Score(ScoreFunction.MaxProbability).ClassIndex;
            correct += fromTensor == sample.Label ? 1 : 0;

            model.Preprocessor.FromImage(TestImages.DigitPng(sample.Pixels), slot.Input);
            slot.Run();
            Assert.Equal(fromTensor, slot.Score(ScoreFunction.MaxProbability).ClassIndex);
        }

        Assert.Equal(model.Manifest.Metrics!.HeldOutAccuracy!.Value, (double)correct / HeldOut.Digits.Count, 0.005);
    }

    [Theory]
    [InlineData("layout", "NCHW", "[-1,1,8,8]", "the manifest says uint8 [-1,1,8,8] (NCHW)")]
    [InlineData("elementType", "float32", null, "is uint8 [-1,8,8,1], the manifest says float32")]
    public void A_manifest_that_contradicts_the_graphs_input_is_refused_saying_what_the_graph_has(string field, string value, string? shape, string expected)
    {
        var manifest = Copy(Nhwc, "byo-nhwc-uint8.onnx", json =>
        {
            json["input"]![field] = value;
            if (shape is not null)
            {
                json["input"]!["shape"] = JsonNode.Parse(shape);
            }
        });

        var e = Assert.Throws<ModelLoadException>(() => OnnxModel.Load(manifest, new OnnxModelOptions(), NullLogger.Instance));

        Assert.Contains(expected, e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("layout", "\"HWC\"", "input.layout 'HWC' must be 'NCHW', 'NHWC' or 'NF'")]
    [InlineData("elementType", "\"int8\"", "input.elementType 'int8' must be 'float32' or 'uint8'")]
    [InlineData("shape", "[-1,8,8]", "must have 4 dimensions for layout NHWC")]
    [InlineData("shape", "[-1,8,8,4294967299]", "holds more than 67108864 values per sample")]
    [InlineData("preprocess", "{\"mean\": [0], \"std\": [1e-45]}", "values must be finite and std positive")]
    public void A_manifest_naming_an_unsupported_input_is_refused_before_a_session_is_made(string field, string value, string expected)
    {
        var manifest = Copy(Nhwc, "byo-nhwc-uint8.onnx", json => json["input"]![field] = JsonNode.Parse(value));

        var e = Assert.Throws<ModelLoadException>(() => OnnxModel.Load(manifest, new OnnxModelOptions(), NullLogger.Instance));

        Assert.Contains(expected, e.Message, StringComparison.Ordinal);
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    /// <summary>JSON lines of {"tensor": [raw values], "label"} or {"image": "base64 PNG", "label"}.</summary>
    private static List<(float[]? Tensor, byte[]? Image, string Label)> ReadLines(string path) =>
        [.. File.ReadLines(path).Where(l => l.Length > 0).Select(l =>
        {
            using var line = JsonDocument.Parse(l);
            var root = line.RootElement;
            var label = root.GetProperty("label").GetString()!;
            return root.TryGetProperty("tensor", out var tensor)
                ? ((float[]?)[.. tensor.EnumerateArray().Select(v => v.GetSingle())], (byte[]?)null, label)
                : (null, root.GetProperty("image").GetBytesFromBase64(), label);
        })];

    private string Copy(string manifest, string model, Action<JsonNode> edit)
    {
        File.Copy(RepoPaths.Model("byo/" + model), Path.Combine(_dir, model), overwrite: true);
        var json = JsonNode.Parse(File.ReadAllText(manifest))!;
        edit(json);
        var path = Path.Combine(_dir, Path.GetFileName(manifest));
        File.WriteAllText(path, json.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
        return path;
    }
}
