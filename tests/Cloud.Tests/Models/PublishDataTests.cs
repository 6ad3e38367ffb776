namespace Edge.Cloud.Tests.Models;

using System.Globalization;
using System.Net;
using System.Text;
using Edge.Cloud.Tests.Support;
using Edge.Shared.Serialization;
using Edge.TestSupport;
using Xunit;

/// <summary>Publishing judges a model on the data its owner sends, in the model's own input form, and never on a default set.</summary>
public sealed class PublishDataTests(ModelsCloudFixture fixture) : IClassFixture<ModelsCloudFixture>
{
    private static readonly byte[] DigitsEdge = File.ReadAllBytes(RepoPaths.Model("digits-edge.onnx"));

    private static readonly byte[] FlatSoftmax = File.ReadAllBytes(RepoPaths.Model("byo/byo-flat-softmax.onnx"));

    private const string Manifest = "digits-edge.manifest.json";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private HttpClient Http => fixture.Host.Http;

    [Fact]
    public async Task A_flat_input_model_at_opset_11_publishes_as_fp32_judged_on_json_lines_of_tensors()
    {
        using var response = await Http.PostAsync(
            "/v1/models/byo-flat/1.0.0", ModelsCloudFixture.Form(FlatSoftmax, "byo/byo-flat-softmax.manifest.json", false, ("heldout", TensorLines(HeldOut.Digits.Count))), Ct);

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var manifest = await response.ReadAsync(EdgeJsonContext.Default.ModelManifest, Ct);
        Assert.Equal(HeldOut.Digits.Count, manifest.Metrics!.HeldOutCount);
        Assert.InRange(manifest.Metrics.Fp32Accuracy!.Value, 0.95, 1.0);
        Assert.Null(manifest.Quantization);
    }

    [Fact]
    public async Task A_uint8_nhwc_model_publishes_as_fp32_judged_on_its_own_byte_valued_tensors()
    {
        var model = File.ReadAllBytes(RepoPaths.Model("byo/byo-nhwc-uint8.onnx"));
        var lines = new StringBuilder();
        foreach (var digit in HeldOut.Digits.Take(120))
        {
            var paper = digit.Pixels.Select(p => TestImages.InkToPaper(p).ToString(CultureInfo.InvariantCulture));
            lines.Append("{\"tensor\":[").AppendJoin(',', paper).Append("],\"label\":\"").Append(digit.Label.ToString(CultureInfo.InvariantCulture)).Append("\"}\n");
        }

        using var response = await Http.PostAsync(
            "/v1/models/byo-uint8/1.0.0", ModelsCloudFixture.Form(model, "byo/byo-nhwc-uint8.manifest.json", false, ("heldout", lines.ToString())), Ct);

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var manifest = await response.ReadAsync(EdgeJsonContext.Default.ModelManifest, Ct);
        Assert.Equal(120, manifest.Metrics!.HeldOutCount);
        Assert.InRange(manifest.Metrics.Fp32Accuracy!.Value, 0.9, 1.0);
    }

    [Fact]
    public async Task Int8_of_an_opset_8_model_is_refused_naming_the_opset_and_the_fp32_way_out()
    {
        // Opsets 9–12 are upgraded before quantizing; older ones are refused. The same Gemm/Relu/Softmax graph reads the same at 8.
        var model = global::Onnx.ModelProto.Parser.ParseFrom(FlatSoftmax);
        model.OpsetImport.Single(o => o.Domain.Length == 0).Version = 8;
        using var response = await Http.PostAsync(
            "/v1/models/byo-flat-int8/1.0.0?quantize=int8", ModelsCloudFixture.Form(Google.Protobuf.MessageExtensions.ToByteArray(model), "byo/byo-flat-softmax.manifest.json"), Ct);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var detail = await response.ProblemDetailAsync(Ct);
        Assert.Contains("opset 8", detail, StringComparison.Ordinal);
        Assert.Contains("FP32", detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Without_held_out_data_fp32_is_published_unmeasured_and_keeps_the_owners_figures()
    {
        using var response = await Http.PostAsync("/v1/models/digits-unjudged/1.0.0", ModelsCloudFixture.Form(DigitsEdge, Manifest, false), Ct);

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var manifest = await response.ReadAsync(EdgeJsonContext.Default.ModelManifest, Ct);
        Assert.Null(manifest.Metrics!.Fp32Accuracy);
        Assert.Equal(RepoManifest("digits-edge").Metrics!.HeldOutAccuracy, manifest.Metrics.HeldOutAccuracy);

        // The uploader sent nothing to judge on; the cloud's own reference set judged it all the same.
        Assert.Equal(360, manifest.Metrics.ReferenceCount);
        Assert.InRange(manifest.Metrics.ReferenceAccuracy!.Value, ModelsCloudFixture.DigitsFloor, 1.0);
    }

    [Fact]
    public async Task Int8_without_held_out_data_is_refused_because_the_gate_cannot_judge()
    {
        using var response = await Http.PostAsync(
            "/v1/models/digits-nogate/1.0.0?quantize=int8", ModelsCloudFixture.Form(DigitsEdge, Manifest, false, ("calibration", TensorLines(100))), Ct);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("cannot judge", await response.ProblemDetailAsync(Ct), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, (await Http.GetAsync("/v1/models/digits-nogate/1.0.0", Ct)).StatusCode);
    }

    [Fact]
    public async Task Int8_without_held_out_data_is_published_unjudged_when_the_gate_is_waived()
    {
        using var response = await Http.PostAsync(
            "/v1/models/digits-waived/1.0.0?quantize=int8&noGate=true", ModelsCloudFixture.Form(DigitsEdge, Manifest, false, ("calibration", TensorLines(100))), Ct);

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var manifest = await response.ReadAsync(EdgeJsonContext.Default.ModelManifest, Ct);
        Assert.Equal("int8", manifest.Quantization!.Mode);
        Assert.Equal(100, manifest.Quantization.CalibrationSamples);
        Assert.Null(manifest.Metrics!.Int8Accuracy);
        Assert.Contains("not judged", manifest.Quantization.Note, StringComparison.Ordinal);
        Assert.InRange(manifest.Metrics.ReferenceAccuracy!.Value, ModelsCloudFixture.DigitsFloor, 1.0);
    }

    [Fact]
    public async Task Int8_without_calibration_data_is_refused_saying_what_to_send()
    {
        using var response = await Http.PostAsync(
            "/v1/models/digits-nocalibration/1.0.0?quantize=int8", ModelsCloudFixture.Form(DigitsEdge, Manifest, false, ("heldout", TensorLines(50))), Ct);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("'calibration' part", await response.ProblemDetailAsync(Ct), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Held_out_labels_the_model_does_not_have_are_refused_naming_them()
    {
        var lines = TensorLines(20) + "{\"tensor\":" + Pixels(0) + ",\"label\":\"cat\"}\n";
        using var response = await Http.PostAsync("/v1/models/digits-cat/1.0.0", ModelsCloudFixture.Form(DigitsEdge, Manifest, false, ("heldout", lines)), Ct);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("'cat'", await response.ProblemDetailAsync(Ct), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Malformed_data_is_refused_with_the_line_it_is_on()
    {
        var lines = TensorLines(3) + "{\"tensor\": [1, 2,\n";
        using var response = await Http.PostAsync("/v1/models/digits-garbled/1.0.0", ModelsCloudFixture.Form(DigitsEdge, Manifest, false, ("heldout", lines)), Ct);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("line 4", await response.ProblemDetailAsync(Ct), StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_excluded_node_stays_float_and_the_note_names_it_with_the_reason()
    {
        var node = global::Onnx.ModelProto.Parser.ParseFrom(DigitsEdge).Graph.Node.First(n => n.OpType == "Gemm").Name;
        using var response = await Http.PostAsync(
            $"/v1/models/digits-exclude/1.0.0?quantize=int8&method=entropy&exclude={Uri.EscapeDataString(node)}", ModelsCloudFixture.Form(DigitsEdge), Ct);

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var manifest = await response.ReadAsync(EdgeJsonContext.Default.ModelManifest, Ct);
        Assert.Equal("Entropy", manifest.Quantization!.CalibrationMethod);
        Assert.Contains($"Gemm '{node}' (excluded by request)", manifest.Quantization.Note, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("quantize=int8&exclude=no-such-node", "no-such-node")]
    [InlineData("quantize=int8&method=median", "method 'median'")]
    [InlineData("method=entropy", "apply to INT8")]
    [InlineData("quantize=int8&noGate=maybe", "noGate 'maybe'")]
    public async Task A_wrong_quantization_option_is_refused_with_400(string query, string expected)
    {
        using var response = await Http.PostAsync($"/v1/models/digits-options/1.0.0?{query}", ModelsCloudFixture.Form(DigitsEdge), Ct);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains(expected, await response.ProblemDetailAsync(Ct), StringComparison.Ordinal);
    }

    /// <summary>The first held-out digits as JSON lines of raw 64-value tensors, as a user's export script writes them.</summary>
    private static string TensorLines(int count)
    {
        var text = new StringBuilder();
        foreach (var i in Enumerable.Range(0, count))
        {
            text.Append("{\"tensor\":").Append(Pixels(i)).Append(",\"label\":\"")
                .Append(HeldOut.Digits[i].Label.ToString(CultureInfo.InvariantCulture)).Append("\"}\n");
        }

        return text.ToString();
    }

    private static string Pixels(int i) => "[" + string.Join(',', HeldOut.Digits[i].Pixels.Select(p => p.ToString(CultureInfo.InvariantCulture))) + "]";

    private static Edge.Shared.Models.ModelManifest RepoManifest(string name) =>
        System.Text.Json.JsonSerializer.Deserialize(File.ReadAllBytes(RepoPaths.Model(name + ".manifest.json")), EdgeJsonContext.Default.ModelManifest)!;
}
