namespace Edge.Cloud.Tests.Fallback;

using System.Net;
using System.Text;
using System.Text.Json;
using Edge.Cloud.Tests.Support;
using Edge.Shared.Serialization;
using Edge.TestSupport;
using Xunit;

public sealed class InferEndpointTests(CloudFixture fixture) : IClassFixture<CloudFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private HttpClient Http => fixture.Host.Http;

    [Fact]
    public async Task Held_out_digits_through_http_reach_the_manifest_accuracy()
    {
        var manifest = JsonSerializer.Deserialize(File.ReadAllText(RepoPaths.Model("digits-cloud.manifest.json")), EdgeJsonContext.Default.ModelManifest)!;
        var expected = manifest.Metrics!.HeldOutAccuracy!.Value;
        var correct = 0;
        foreach (var sample in HeldOut.Digits)
        {
            var answer = await (await Http.PostBytesAsync("/v1/infer", Encoding.UTF8.GetBytes(Digits.TensorJson(sample)), "application/json", Ct))
                .ReadAsync(EdgeJsonContext.Default.CloudAnswer, Ct);
            correct += answer.ClassIndex == sample.Label ? 1 : 0;
        }

        var accuracy = (double)correct / HeldOut.Digits.Count;
        Assert.True(Math.Abs(accuracy - expected) <= 0.005, $"accuracy {accuracy:P2} over HTTP, manifest says {expected:P2}");
    }

    [Fact]
    public async Task An_answer_names_the_label_the_model_and_a_calibrated_score()
    {
        var sample = HeldOut.Digits[0];

        var answer = await (await Http.PostBytesAsync("/v1/infer", Encoding.UTF8.GetBytes(Digits.TensorJson(sample)), "application/json", Ct))
            .ReadAsync(EdgeJsonContext.Default.CloudAnswer, Ct);

        Assert.Equal(sample.Label.ToString(System.Globalization.CultureInfo.InvariantCulture), answer.Label);
        Assert.Equal(sample.Label, answer.ClassIndex);
        Assert.Equal("digits-cloud@1.0.0", answer.Model);
        Assert.InRange(answer.Score, 0.1, 1.0);
        Assert.True(answer.LatencyMs > 0);

        // The top 3 (Inference:TopK's default), best first, led by the answer itself.
        Assert.Equal(3, answer.Top.Count);
        Assert.Equal((answer.Label, answer.Score), (answer.Top[0].Label, answer.Top[0].Probability));
        Assert.True(answer.Top[0].Probability >= answer.Top[1].Probability && answer.Top[1].Probability >= answer.Top[2].Probability);
        Assert.Equal(3, answer.Top.Select(t => t.Label).Distinct().Count());
    }

    [Fact]
    public async Task A_png_of_a_digit_gets_the_same_label_as_its_tensor()
    {
        var agreed = 0;
        var samples = HeldOut.Digits.Take(20).ToList();
        foreach (var sample in samples)
        {
            var fromTensor = await (await Http.PostBytesAsync("/v1/infer", Encoding.UTF8.GetBytes(Digits.TensorJson(sample)), "application/json", Ct))
                .ReadAsync(EdgeJsonContext.Default.CloudAnswer, Ct);
            var fromPng = await (await Http.PostBytesAsync("/v1/infer", Digits.Png(sample), "image/png", Ct))
                .ReadAsync(EdgeJsonContext.Default.CloudAnswer, Ct);
            agreed += fromPng.ClassIndex == fromTensor.ClassIndex ? 1 : 0;
        }

        // 8-bit quantisation of the PNG may flip a borderline digit, never many.
        Assert.True(agreed >= samples.Count - 1, $"{agreed} of {samples.Count} PNG answers agree with the tensor answers");
    }

    [Theory]
    [InlineData("application/json", """{"shape":[1,1,8,7],"data":[0]}""", 400, "expected shape")]
    [InlineData("application/json", """{"shape":[1,1,8,8],"data":[1,2,3]}""", 400, "needs 64 values")]
    [InlineData("application/json", """{"shape":[1,1,8,8],"data":["a"]}""", 400, "data[0] must be a number")]
    [InlineData("application/json", """{"shape":[1,1,8,8],"data":[0,""", 400, "malformed JSON")]
    [InlineData("application/json", """{"data":[0]}""", 400, "'shape' and 'data'")]
    [InlineData("application/json", "", 400, "the body is empty")]
    [InlineData("application/json", """{"shape":[1,1,8,8],"data":[1,NaN]}""", 400, "data[1]")]
    [InlineData("application/json", "[1,2,3]", 400, "JSON object")]
    [InlineData("image/png", "definitely not a png", 400, "not a PNG or JPEG")]
    [InlineData("image/jpeg", "", 400, "empty")]
    [InlineData("text/plain", "1,2,3", 415, "image/png")]
    public async Task A_bad_body_gets_a_clear_4xx_and_the_next_good_request_still_succeeds(string contentType, string body, int status, string expected)
    {
        var bad = await Http.PostBytesAsync("/v1/infer", Encoding.UTF8.GetBytes(body), contentType, Ct);
        var good = await Http.PostBytesAsync("/v1/infer", Encoding.UTF8.GetBytes(Digits.TensorJson(HeldOut.Digits[1])), "application/json", Ct);

        Assert.Equal(status, (int)bad.StatusCode);
        Assert.Contains(expected, await bad.ProblemDetailAsync(Ct), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, good.StatusCode);
    }

    [Fact]
    public async Task A_value_that_overflows_a_float_is_refused_as_not_finite()
    {
        var data = string.Join(',', Enumerable.Repeat("0", 63).Prepend("1e39"));

        var response = await Http.PostBytesAsync("/v1/infer", Encoding.UTF8.GetBytes($$"""{"shape":[1,1,8,8],"data":[{{data}}]}"""), "application/json", Ct);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("finite", await response.ProblemDetailAsync(Ct), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_png_that_is_cut_short_gets_400()
    {
        var png = Digits.Png(HeldOut.Digits[2]);

        var response = await Http.PostBytesAsync("/v1/infer", png[..(png.Length / 2)], "image/png", Ct);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.NotEmpty(await response.ProblemDetailAsync(Ct));
    }
}
