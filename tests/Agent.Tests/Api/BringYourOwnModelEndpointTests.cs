namespace Edge.Agent.Tests.Api;

using System.Net;
using System.Net.Http.Json;
using Edge.Agent.Tests.Support;
using Edge.Inference;
using Edge.Shared.Config;
using Edge.Shared.Inference;
using Edge.Shared.Serialization;
using Edge.TestSupport;
using Microsoft.Extensions.Logging.Abstractions;
using Xunit;

/// <summary>The agent serving classifiers exported in other tools' layouts (tools/models/byo.py) through <c>/v1/infer</c>.</summary>
public sealed class BringYourOwnModelEndpointTests
{
    private const double Threshold = 0.9;

    [Fact]
    public async Task A_flat_softmax_model_answers_locally_exactly_the_share_its_own_probabilities_clear()
    {
        var manifest = RepoPaths.Model("byo/byo-flat-softmax.manifest.json");
        var samples = HeldOut.Digits.Take(120).ToArray();
        var expected = ExpectedLocal(manifest, samples.Select(s => s.Pixels), [1, 64]);
        await using var agent = await StartAsync(manifest);

        var local = new bool[samples.Length];
        for (var i = 0; i < samples.Length; i++)
        {
            var answer = await agent.Http.InferAsync(JsonContent.Create(
                new TensorPayload { Shape = [1, 64], Data = samples[i].Pixels }, EdgeJsonContext.Default.TensorPayload));
            local[i] = answer.Decision == Decision.Local;
            Assert.Equal(3, answer.Top.Count);
            Assert.Equal((answer.LocalLabel, answer.Score), (answer.Top[0].Label, answer.Top[0].Probability));
            Assert.InRange(answer.Top.Sum(t => t.Probability), answer.Top[0].Probability, 1.0 + 1e-6);
        }

        // Schema-1 scoring (softmax of the probabilities) could never reach 0.9 on 10 classes: some must be local.
        Assert.Contains(true, local);
        Assert.Equal(expected, local);
    }

    [Fact]
    public async Task A_flat_model_answers_an_image_with_a_400_saying_it_takes_a_vector_and_keeps_serving()
    {
        await using var agent = await StartAsync(RepoPaths.Model("byo/byo-flat-softmax.manifest.json"));

        using var response = await agent.Http.PostAsync(
            "/v1/infer", Requests.Bytes(TestImages.DigitPng(HeldOut.Digits[0].Pixels), "image/png"), TestContext.Current.CancellationToken);
        var text = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("vector of 64 values", text, StringComparison.Ordinal);
        var next = await agent.Http.InferAsync(JsonContent.Create(
            new TensorPayload { Shape = [64], Data = HeldOut.Digits[0].Pixels }, EdgeJsonContext.Default.TensorPayload));
        Assert.Equal(HeldOut.Digits[0].Label.ToString(System.Globalization.CultureInfo.InvariantCulture), next.Label);
    }

    [Fact]
    public async Task An_nhwc_uint8_model_answers_camera_pictures_with_the_local_share_its_probabilities_imply()
    {
        var manifest = RepoPaths.Model("byo/byo-nhwc-uint8.manifest.json");
        var samples = HeldOut.Digits.Take(120).ToArray();
        var expected = ExpectedLocal(manifest, samples.Select(s => s.Pixels.Select(raw => (float)TestImages.InkToPaper(raw)).ToArray()), [1, 8, 8, 1]);
        await using var agent = await StartAsync(manifest);

        var local = new bool[samples.Length];
        var correct = 0;
        for (var i = 0; i < samples.Length; i++)
        {
            var answer = await agent.Http.InferAsync(Requests.Bytes(TestImages.DigitPng(samples[i].Pixels, block: 4), "image/png"));
            local[i] = answer.Decision == Decision.Local;
            correct += answer.Label == samples[i].Label.ToString(System.Globalization.CultureInfo.InvariantCulture) ? 1 : 0;
        }

        Assert.Contains(true, local);
        Assert.True(correct >= samples.Length * 0.9, $"{correct} of {samples.Length} correct");

        // Pictures 4× the model's size are box-filtered back to the 8×8 pixels the tensors hold: same decisions.
        Assert.Equal(expected, local);
    }

    /// <summary>Whether each sample's calibrated score clears the threshold, by the model itself outside the agent.</summary>
    private static bool[] ExpectedLocal(string manifest, IEnumerable<float[]> tensors, int[] shape)
    {
        using var model = OnnxModel.Load(manifest, new OnnxModelOptions(), NullLogger.Instance);
        using var slot = model.Rent();
        return [.. tensors.Select(t =>
        {
            model.Preprocessor.FromTensor(shape, t, slot.Input);
            slot.Run();
            return slot.Score(ScoreFunction.MaxProbability).Score >= Threshold;
        })];
    }

    /// <summary>No cloud listens: what is not answered locally is LocalDegraded.</summary>
    private static Task<TestAgentHost> StartAsync(string manifest) => TestAgentHost.StartAsync(
        $"http://127.0.0.1:{FreePort.Next()}",
        new Dictionary<string, string?>
        {
            ["Inference:Manifest"] = manifest,
            ["Routing:DefaultThreshold"] = Threshold.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Routing:DefaultAuditSampleRate"] = "0",
        });
}
