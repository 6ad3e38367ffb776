namespace Edge.Cloud.Tests.Models;

using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Edge.Cloud.Tests.Support;
using Edge.Shared.Serialization;
using Edge.TestSupport;
using Google.Protobuf;
using global::Onnx;
using Xunit;

/// <summary>
/// The accuracy floor: every publish of a name is judged on the held-out data an admin gave the cloud for it, not on
/// what the uploader sends, so a stolen publisher token cannot ship a model that always answers one class.
/// </summary>
public sealed class ReferenceFloorTests(ModelsCloudFixture fixture) : IClassFixture<ModelsCloudFixture>
{
    private static readonly byte[] DigitsEdge = File.ReadAllBytes(RepoPaths.Model("digits-edge.onnx"));

    private static readonly byte[] HeldOutDigits = File.ReadAllBytes(RepoPaths.Data("digits-heldout.json"));

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private HttpClient Http => fixture.Host.Http;

    [Fact]
    public async Task A_model_that_always_answers_one_class_is_refused_as_fp32_though_its_uploaders_own_held_out_data_scores_it_perfect()
    {
        await ModelsCloudFixture.SetReferenceAsync(Http, "floor-always", RepoPaths.Data("digits-heldout.json"), 0.9);

        // The attacker's own "held-out" data: only threes, which the model always answers.
        var threes = string.Concat(HeldOut.Digits.Where(d => d.Label == 3).Select(d => Line(d.Pixels, "3")));
        using var response = await Http.PostAsync(
            "/v1/models/floor-always/1.0.0", ModelsCloudFixture.Form(AlwaysAnswers(3), digits: false, parts: ("heldout", threes)), Ct);

        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        var problem = JsonNode.Parse(await response.Content.ReadAsStringAsync(Ct))!;
        Assert.Equal("Accuracy floor", problem["title"]!.GetValue<string>());
        var detail = problem["detail"]!.GetValue<string>();
        Assert.Contains("FP32", detail, StringComparison.Ordinal);
        Assert.Contains(Percent(HeldOut.Digits.Count(d => d.Label == 3) / (double)HeldOut.Digits.Count), detail, StringComparison.Ordinal);
        Assert.Contains("the floor is 90.00 %", detail, StringComparison.Ordinal);
        Assert.Contains("360 samples", detail, StringComparison.Ordinal);
        Assert.Contains("test-admin", detail, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, (await Http.GetAsync("/v1/models/floor-always/1.0.0", Ct)).StatusCode);
    }

    [Fact]
    public async Task A_model_with_permuted_labels_is_refused_as_int8_even_with_the_gate_waived()
    {
        await ModelsCloudFixture.SetReferenceAsync(Http, "floor-permuted", RepoPaths.Data("digits-heldout.json"), 0.9);
        using var response = await Http.PostAsync(
            "/v1/models/floor-permuted/1.0.0?quantize=int8&noGate=true", PermutedForm(), Ct);

        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        var detail = await response.ProblemDetailAsync(Ct);
        Assert.Contains("INT8", detail, StringComparison.Ordinal);
        Assert.Contains("the floor is 90.00 %", detail, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, (await Http.GetAsync("/v1/models/floor-permuted/1.0.0", Ct)).StatusCode);
    }

    [Fact]
    public async Task A_good_model_passes_and_its_manifest_records_the_reference_accuracy_count_and_floor()
    {
        await ModelsCloudFixture.SetReferenceAsync(Http, "floor-good", RepoPaths.Data("digits-heldout.json"), 0.9);
        using var response = await Http.PostAsync("/v1/models/floor-good/1.0.0", ModelsCloudFixture.Form(DigitsEdge, digits: false), Ct);

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var metrics = (await response.ReadAsync(EdgeJsonContext.Default.ModelManifest, Ct)).Metrics!;
        Assert.Equal(0.9278, metrics.ReferenceAccuracy!.Value, 0.001);
        Assert.Equal(360, metrics.ReferenceCount);
        Assert.Equal(0.9, metrics.ReferenceFloor);
        var stored = await Http.GetStringAsync("/v1/models/floor-good/1.0.0", Ct);
        Assert.Contains("\"referenceAccuracy\"", stored, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_publisher_token_cannot_set_the_reference_an_admin_can_and_anyone_reads_what_it_is_but_never_its_data()
    {
        using var publisher = TestCredentials.Client(Http.BaseAddress!, "publisher");
        using var viewer = TestCredentials.Client(Http.BaseAddress!, "viewer");

        using (var refused = await publisher.PutAsync("/v1/models/floor-roles/reference", ModelsCloudFixture.ReferenceForm(HeldOutDigits, "0"), Ct))
        {
            Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        }

        Assert.Equal(HttpStatusCode.NotFound, (await viewer.GetAsync("/v1/models/floor-roles/reference", Ct)).StatusCode);
        await ModelsCloudFixture.SetReferenceAsync(Http, "floor-roles", RepoPaths.Data("digits-heldout.json"), 0.85);

        var json = await viewer.GetStringAsync("/v1/models/floor-roles/reference", Ct);
        var reference = System.Text.Json.JsonSerializer.Deserialize(json, EdgeJsonContext.Default.ModelReference)!;
        Assert.Equal(360, reference.Samples);
        Assert.Equal(0.85, reference.Floor);
        Assert.Equal("digits", reference.Form);
        Assert.Equal("test-admin", reference.SetBy);
        Assert.NotEqual(default, reference.SetAt);
        Assert.DoesNotContain("pixels", json, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task Without_a_reference_set_the_default_refuses_to_publish_and_says_how_to_set_one()
    {
        using var response = await Http.PostAsync("/v1/models/floor-none/1.0.0", ModelsCloudFixture.Form(DigitsEdge), Ct);

        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        Assert.Contains("edge models reference set floor-none --data FILE --floor F", await response.ProblemDetailAsync(Ct), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Reference_labels_the_model_does_not_have_are_refused_at_publish_naming_them()
    {
        var lines = Line(HeldOut.Digits[0].Pixels, "0") + Line(HeldOut.Digits[1].Pixels, "cat");
        using (var set = await Http.PutAsync("/v1/models/floor-cat/reference", ModelsCloudFixture.ReferenceForm(Encoding.UTF8.GetBytes(lines), "0.5"), Ct))
        {
            Assert.Equal(HttpStatusCode.OK, set.StatusCode);
        }

        using var response = await Http.PostAsync("/v1/models/floor-cat/1.0.0", ModelsCloudFixture.Form(DigitsEdge, digits: false), Ct);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var detail = await response.ProblemDetailAsync(Ct);
        Assert.Contains("reference set", detail, StringComparison.Ordinal);
        Assert.Contains("'cat'", detail, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("unlabelled", "0.9", "has no label")]
    [InlineData("ragged", "0.9", "same shape")]
    [InlineData("text", "0.9", "not valid JSON")]
    [InlineData("digits", "NaN", "floor 'NaN'")]
    [InlineData("digits", "1.5", "floor '1.5'")]
    [InlineData("digits", "-0.1", "floor '-0.1'")]
    [InlineData("digits", null, "'floor' field is missing")]
    [InlineData(null, "0.9", "'data' part is missing")]
    public async Task A_bad_reference_is_refused_with_400_and_the_reason(string? data, string? floor, string expected)
    {
        var bytes = data switch
        {
            "unlabelled" => Encoding.UTF8.GetBytes(Line(HeldOut.Digits[0].Pixels, "1") + "{\"tensor\":" + Pixels(HeldOut.Digits[1].Pixels) + "}\n"),
            "ragged" => Encoding.UTF8.GetBytes(Line(HeldOut.Digits[0].Pixels, "1") + Line(HeldOut.Digits[1].Pixels.Take(10).ToArray(), "2")),
            "text" => "label,pixels\n3,0 0 0\n"u8.ToArray(),
            "digits" => HeldOutDigits,
            _ => null,
        };

        using var response = await Http.PutAsync("/v1/models/floor-bad/reference", ModelsCloudFixture.ReferenceForm(bytes, floor), Ct);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains(expected, await response.ProblemDetailAsync(Ct), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, (await Http.GetAsync("/v1/models/floor-bad/reference", Ct)).StatusCode);
    }

    [Fact]
    public async Task A_reference_sent_as_json_instead_of_a_form_is_refused_with_415()
    {
        using var response = await Http.PutJsonAsync("/v1/models/floor-json/reference", """{"floor":0.9}""", Ct);

        Assert.Equal(HttpStatusCode.UnsupportedMediaType, response.StatusCode);
    }

    [Fact]
    public async Task With_require_reference_off_a_name_without_one_publishes_unjudged()
    {
        using var folder = new TempFolder();
        await using var cloud = await CloudHost.StartAsync(folder.Path, new Dictionary<string, string?>
        {
            ["Models:StorePath"] = Path.Combine(folder.Path, "models"),
            ["Models:RequireReference"] = "false",
        });

        using var response = await cloud.Http.PostAsync("/v1/models/floor-optional/1.0.0", ModelsCloudFixture.Form(DigitsEdge, digits: false), Ct);

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.Null((await response.ReadAsync(EdgeJsonContext.Default.ModelManifest, Ct)).Metrics!.ReferenceAccuracy);
    }

    /// <summary>
    /// [N,1,8,8] → Flatten → Gemm with zero weights and a bias that favours <paramref name="label"/>: the same answer for
    /// every input, under digits-edge's input and output names.
    /// </summary>
    private static byte[] AlwaysAnswers(int label)
    {
        var graph = new GraphProto { Name = "always" };
        graph.Input.Add(Value("input", Dim("N"), Dim(1), Dim(8), Dim(8)));
        graph.Output.Add(Value("logits", Dim("N"), Dim(10)));
        graph.Initializer.Add(Floats("weight", new float[64 * 10], 64, 10));
        graph.Initializer.Add(Floats("bias", [.. Enumerable.Range(0, 10).Select(i => i == label ? 8f : 0f)], 10));
        graph.Node.Add(new NodeProto { OpType = "Flatten", Name = "flatten", Input = { "input" }, Output = { "flat" } });
        graph.Node.Add(new NodeProto { OpType = "Gemm", Name = "fc", Input = { "flat", "weight", "bias" }, Output = { "logits" } });
        var model = new ModelProto { IrVersion = 7, ProducerName = "edge-tests", Graph = graph };
        model.OpsetImport.Add(new OperatorSetIdProto { Domain = string.Empty, Version = 13 });
        return model.ToByteArray();
    }

    /// <summary>digits-edge with its labels rotated by one: every answer it gets right is now reported as the next digit.</summary>
    private static MultipartFormDataContent PermutedForm()
    {
        var manifest = JsonNode.Parse(File.ReadAllText(RepoPaths.Model("digits-edge.manifest.json")))!.AsObject();
        manifest["labels"] = new JsonArray([.. Enumerable.Range(0, 10).Select(i => (JsonNode)((i + 1) % 10).ToString(CultureInfo.InvariantCulture))]);
        var form = new MultipartFormDataContent
        {
            { new ByteArrayContent(DigitsEdge), "model", "model.onnx" },
            { new StringContent(manifest.ToJsonString(), Encoding.UTF8, "application/json"), "manifest", "manifest.json" },
            { new StringContent(string.Concat(HeldOut.Digits.Take(100).Select(d => Line(d.Pixels, null)))), "calibration", "calibration.jsonl" },
        };
        return form;
    }

    private static ValueInfoProto Value(string name, params TensorShapeProto.Types.Dimension[] dims) => new()
    {
        Name = name,
        Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = (int)TensorProto.Types.DataType.Float, Shape = new TensorShapeProto { Dim = { dims } } } },
    };

    private static TensorShapeProto.Types.Dimension Dim(long value) => new() { DimValue = value };

    private static TensorShapeProto.Types.Dimension Dim(string param) => new() { DimParam = param };

    private static TensorProto Floats(string name, float[] values, params long[] dims) => new()
    {
        Name = name,
        DataType = (int)TensorProto.Types.DataType.Float,
        Dims = { dims },
        FloatData = { values },
    };

    private static string Line(float[] pixels, string? label) =>
        "{\"tensor\":" + Pixels(pixels) + (label is null ? string.Empty : ",\"label\":\"" + label + "\"") + "}\n";

    private static string Pixels(float[] pixels) => "[" + string.Join(',', pixels.Select(p => p.ToString(CultureInfo.InvariantCulture))) + "]";

    private static string Percent(double share) => string.Create(CultureInfo.InvariantCulture, $"{share * 100:F2} %");
}
