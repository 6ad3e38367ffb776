namespace Edge.Cloud.Tests.Models;

using System.Net;
using System.Security.Cryptography;
using System.Text.Json;
using Edge.Cloud.Tests.Support;
using Edge.Inference;
using Edge.Shared.Config;
using Edge.Shared.Models;
using Edge.Shared.Serialization;
using Edge.TestSupport;
using Microsoft.Extensions.Logging.Abstractions;
using Xunit;

public sealed class ModelsApiTests(ModelsCloudFixture fixture) : IClassFixture<ModelsCloudFixture>
{
    private static readonly byte[] DigitsEdge = File.ReadAllBytes(RepoPaths.Model("digits-edge.onnx"));

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private HttpClient Http => fixture.Host.Http;

    [Fact]
    public async Task Publishing_digits_edge_as_int8_records_both_accuracies_and_the_stored_file_answers_held_out_digits()
    {
        using var response = await Http.PostAsync("/v1/models/digits-edge/2.0.0?quantize=int8", ModelsCloudFixture.Form(DigitsEdge), Ct);

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var manifest = await response.ReadAsync(EdgeJsonContext.Default.ModelManifest, Ct);
        Assert.Equal("digits-edge", manifest.Name);
        Assert.Equal("2.0.0", manifest.Version);
        Assert.Equal(1.409704, manifest.Temperature, 6);
        var metrics = manifest.Metrics!;
        Assert.Equal(0.9278, metrics.Fp32Accuracy!.Value, 0.001);
        Assert.InRange(metrics.Int8Accuracy!.Value, metrics.Fp32Accuracy.Value - 0.01, 1.0);
        Assert.True(metrics.Int8Agreement >= 0.99, $"agreement {metrics.Int8Agreement}");
        Assert.Equal(360, metrics.HeldOutCount);
        Assert.Equal(metrics.Int8Accuracy, metrics.ReferenceAccuracy); // the reference set is the same held-out digits, run on the INT8 file
        Assert.Equal(ModelsCloudFixture.DigitsFloor, metrics.ReferenceFloor);
        Assert.Equal("int8", manifest.Quantization!.Mode);
        Assert.Equal(DigitsEdge.LongLength, manifest.Quantization.SourceSizeBytes);
        Assert.Contains("INT8", manifest.Quantization.Note, StringComparison.Ordinal);

        // What a device would download: the file and the manifest, verified and served by the runtime.
        var bytes = await Http.GetByteArrayAsync("/v1/models/digits-edge/2.0.0/file", Ct);
        Assert.Equal(manifest.Sha256, Convert.ToHexStringLower(SHA256.HashData(bytes)));
        using var folder = new TempFolder();
        var manifestPath = Path.Combine(folder.Path, "digits-edge.manifest.json");
        await File.WriteAllBytesAsync(Path.Combine(folder.Path, manifest.File), bytes, Ct);
        await File.WriteAllTextAsync(manifestPath, await Http.GetStringAsync("/v1/models/digits-edge/2.0.0", Ct), Ct);
        using var model = OnnxModel.Load(manifestPath, new OnnxModelOptions(), NullLogger.Instance);
        var correct = 0;
        foreach (var sample in HeldOut.Digits)
        {
            using var slot = model.Rent();
            model.Preprocessor.FromTensor([8, 8], sample.Pixels, slot.Input);
            slot.Run();
            correct += slot.Score(ScoreFunction.MaxProbability).ClassIndex == sample.Label ? 1 : 0;
        }

        Assert.Equal(metrics.Int8Accuracy.Value, (double)correct / HeldOut.Digits.Count, 0.003);
    }

    [Fact]
    public async Task Every_published_version_is_listed_and_a_version_cannot_be_published_twice()
    {
        using (var first = await Http.PostAsync("/v1/models/digits-list/1.0.0", ModelsCloudFixture.Form(DigitsEdge), Ct))
        {
            Assert.Equal(HttpStatusCode.Created, first.StatusCode);
            var fp32 = await first.ReadAsync(EdgeJsonContext.Default.ModelManifest, Ct);
            Assert.Null(fp32.Quantization);
            Assert.Null(fp32.Metrics!.Int8Accuracy);
            Assert.Equal(DigitsEdge.LongLength, fp32.SizeBytes);
        }

        using (var second = await Http.PostAsync("/v1/models/digits-list/1.1.0?quantize=int8", ModelsCloudFixture.Form(DigitsEdge), Ct))
        {
            Assert.Equal(HttpStatusCode.Created, second.StatusCode);
        }

        using var again = await Http.PostAsync("/v1/models/digits-list/1.0.0?quantize=int8", ModelsCloudFixture.Form(DigitsEdge), Ct);
        Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
        Assert.Contains("already published", await again.ProblemDetailAsync(Ct), StringComparison.Ordinal);

        using var list = await Http.GetAsync("/v1/models?name=digits-list", Ct);
        var rows = await list.ReadAsync(EdgeJsonContext.Default.PublishedModelArray, Ct);
        Assert.Equal(["1.0.0", "1.1.0"], rows.Select(r => r.Version).Order(StringComparer.Ordinal));
        Assert.Equal("none", rows.Single(r => r.Version == "1.0.0").Quantization);
        Assert.NotNull(rows.Single(r => r.Version == "1.1.0").Int8Accuracy);
        Assert.True(File.Exists(Path.Combine(fixture.StorePath, "digits-list", "1.1.0", "digits-list-1.1.0.onnx")));
    }

    [Fact]
    public async Task A_model_part_that_is_not_onnx_is_refused_with_400()
    {
        using var response = await Http.PostAsync("/v1/models/digits-bad/1.0.0?quantize=int8", ModelsCloudFixture.Form("not an onnx model at all"u8.ToArray()), Ct);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("not an ONNX model", await response.ProblemDetailAsync(Ct), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, (await Http.GetAsync("/v1/models/digits-bad/1.0.0", Ct)).StatusCode);
    }

    [Fact]
    public async Task An_empty_calibration_set_is_refused_with_400()
    {
        var empty = JsonSerializer.Serialize(new DigitDataset(), EdgeJsonContext.Default.DigitDataset);
        using var response = await Http.PostAsync(
            "/v1/models/digits-nocal/1.0.0?quantize=int8", ModelsCloudFixture.Form(DigitsEdge, parts: ("calibration", empty)), Ct);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("calibration part' has no samples", await response.ProblemDetailAsync(Ct), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("/v1/models/digits-edge/1..0", "version")]
    [InlineData("/v1/models/digits-edge/3.0.0?quantize=int4", "quantize 'int4'")]
    public async Task A_bad_version_or_quantize_mode_is_refused_with_400(string path, string expected)
    {
        using var response = await Http.PostAsync(path, ModelsCloudFixture.Form(DigitsEdge), Ct);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains(expected, await response.ProblemDetailAsync(Ct), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_json_body_instead_of_a_form_is_refused_with_415()
    {
        using var response = await Http.PostBytesAsync("/v1/models/digits-edge/4.0.0", "{}"u8.ToArray(), "application/json", Ct);

        Assert.Equal(HttpStatusCode.UnsupportedMediaType, response.StatusCode);
    }
}
