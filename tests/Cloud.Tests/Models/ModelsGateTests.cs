namespace Edge.Cloud.Tests.Models;

using System.Net;
using Edge.Cloud.Tests.Support;
using Edge.TestSupport;
using Xunit;

public sealed class ModelsGateTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task An_int8_model_that_cannot_meet_the_gate_is_refused_with_422_and_the_reason_and_nothing_is_stored()
    {
        using var folder = new TempFolder();

        // INT8 would have to beat FP32 by 50 points: no model can.
        await using var cloud = await CloudHost.StartAsync(folder.Path, new Dictionary<string, string?>
        {
            ["Models:StorePath"] = Path.Combine(folder.Path, "models"),
            ["Models:MaxTop1DropPoints"] = "-50",
        });

        await ModelsCloudFixture.SetReferenceAsync(cloud.Http, "digits-edge", RepoPaths.Data("digits-heldout.json"), ModelsCloudFixture.DigitsFloor);

        using var response = await cloud.Http.PostAsync(
            "/v1/models/digits-edge/9.0.0?quantize=int8", ModelsCloudFixture.Form(File.ReadAllBytes(RepoPaths.Model("digits-edge.onnx"))), Ct);

        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        var detail = await response.ProblemDetailAsync(Ct);
        Assert.Contains("INT8 model refused", detail, StringComparison.Ordinal);
        Assert.Contains("lowest-SQNR layers", detail, StringComparison.Ordinal);
        Assert.Equal("[]", await cloud.Http.GetStringAsync("/v1/models", Ct));
    }

    [Fact]
    public async Task An_upload_over_the_size_limit_is_refused_with_413()
    {
        using var folder = new TempFolder();
        await using var cloud = await CloudHost.StartAsync(folder.Path, new Dictionary<string, string?>
        {
            ["Models:StorePath"] = Path.Combine(folder.Path, "models"),
            ["Models:MaxUploadBytes"] = "2048",
        });

        using var response = await cloud.Http.PostAsync(
            "/v1/models/digits-edge/1.0.0", ModelsCloudFixture.Form(File.ReadAllBytes(RepoPaths.Model("digits-edge.onnx"))), Ct);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Contains("2048 bytes", await response.ProblemDetailAsync(Ct), StringComparison.Ordinal);
    }
}
