namespace Edge.Integration.Tests;

using System.Globalization;
using Edge.Cloud.Admission;
using Edge.Cloud.Observability;
using Edge.Shared.Inference;
using Edge.TestSupport;

public sealed class CloudOutageTests
{
    private static readonly Dictionary<string, string?> AllCloud = new() { ["Routing:DefaultThreshold"] = "1.5" };

    /// <summary>
    /// For the 429 tests: attempts and the deadline far longer than a loaded CI runner can stall a cloud call, so every
    /// answer's reason is the throttle under test, never a timeout that opened the breaker first.
    /// </summary>
    private static readonly Dictionary<string, string?> AllCloudPatient = new(AllCloud)
    {
        ["Cloud:AttemptTimeout"] = "00:00:10",
        ["Cloud:Deadline"] = "00:00:20",
    };

    [Fact]
    public async Task Agent_answers_every_request_LocalDegraded_with_the_local_label_while_the_cloud_is_down()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var stack = await EdgeStack.StartAsync(null, agentOverrides: AllCloud, cancellationToken: ct);
        var samples = HeldOut.Digits.Take(40).ToArray();
        var before = await stack.InferAsync(samples[0].Pixels, ct);
        Assert.Equal(Decision.Cloud, before.Decision);

        await stack.StopCloudAsync(ct);

        foreach (var sample in samples)
        {
            var answer = await stack.InferAsync(sample.Pixels, ct);
            Assert.Equal(Decision.LocalDegraded, answer.Decision);
            Assert.Equal(answer.LocalLabel, answer.Label);
            Assert.Null(answer.CloudLabel);
            Assert.StartsWith("cloud-", answer.DegradedReason, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task A_429_from_the_cloud_is_answered_locally_at_once_and_the_cloud_is_left_alone_until_Retry_After()
    {
        var ct = TestContext.Current.CancellationToken;
        var cloudLimits = new Dictionary<string, string?>
        {
            ["Admission:MaxConcurrency"] = "1",
            ["Admission:MaxQueue"] = "0",
            ["Admission:RetryAfterSeconds"] = "60",
        };
        await using var stack = await EdgeStack.StartAsync(null, cloudLimits, AllCloudPatient, ct);
        var gate = stack.CloudService<AdmissionGate>();
        var metrics = stack.CloudService<CloudMetrics>();
        var pixels = HeldOut.Digits[0].Pixels;

        using (var held = gate.TryEnter())
        {
            Assert.True(held.Admitted);
            var throttled = await stack.InferAsync(pixels, ct);
            Assert.Equal(Decision.LocalDegraded, throttled.Decision);
            Assert.Equal("cloud-throttled", throttled.DegradedReason);
        }

        Assert.Equal(1, metrics.InferCount(429));
        var servedBefore = metrics.InferCount(200);

        // The cloud has capacity again, but it asked for 60 s of quiet: the agent must not call it.
        for (var i = 0; i < 10; i++)
        {
            var answer = await stack.InferAsync(pixels, ct);
            Assert.Equal(Decision.LocalDegraded, answer.Decision);
            Assert.Equal("cloud-throttled", answer.DegradedReason);
        }

        Assert.Equal(servedBefore, metrics.InferCount(200));
        Assert.Equal(1, metrics.InferCount(429));
    }

    [Fact]
    public async Task Cascade_beats_the_edge_model_alone_on_the_held_out_digits()
    {
        var ct = TestContext.Current.CancellationToken;
        var threshold = new Dictionary<string, string?> { ["Routing:DefaultThreshold"] = "0.9", ["Mqtt:Enabled"] = "false" };
        await using var stack = await EdgeStack.StartAsync(null, agentOverrides: threshold, cancellationToken: ct);
        int cascadeRight = 0, edgeRight = 0, local = 0;
        foreach (var sample in HeldOut.Digits)
        {
            var answer = await stack.InferAsync(sample.Pixels, ct);
            var expected = sample.Label.ToString(CultureInfo.InvariantCulture);
            cascadeRight += answer.Label == expected ? 1 : 0;
            edgeRight += answer.LocalLabel == expected ? 1 : 0;
            local += answer.Decision == Decision.Local ? 1 : 0;
            Assert.NotEqual(Decision.LocalDegraded, answer.Decision);
        }

        var n = HeldOut.Digits.Count;
        Assert.InRange(local, 1, n - 1);
        Assert.True(cascadeRight > edgeRight, $"cascade {cascadeRight}/{n} vs edge {edgeRight}/{n}");
    }
}
