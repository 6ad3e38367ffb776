namespace Edge.Integration.Tests;

using Edge.Agent.Routing;
using Edge.Cloud.Admission;
using Edge.Cloud.Devices;
using Edge.Shared.Config;
using Edge.Shared.Inference;
using Edge.Shared.Models;
using Edge.TestSupport;
using Edge.TestSupport.Faults;

/// <summary>
/// Outages played with fault proxies on the agent's links: every request is answered, and every LocalDegraded
/// sample reaches the cloud exactly once after the link is back.
/// </summary>
public sealed class OfflineTests
{
    /// <summary>Every request goes to the cloud, so every failure to reach it is a hard example.</summary>
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
    public async Task A_blackholed_cloud_gets_LocalDegraded_answers_and_every_sample_exactly_once_after_it_returns()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var offline = await OfflineStack.StartAsync(agentOverrides: AllCloud, cancellationToken: ct);
        offline.Http.SetMode(FaultMode.Blackhole);

        var answers = await InferManyAsync(offline, HeldOut.Digits.Take(20), ct);

        Assert.All(answers, a => Assert.Equal(Decision.LocalDegraded, a.Decision));
        // Concurrent attempts time out together and open the breaker, so the reasons are deadline or circuit-open.
        Assert.All(answers, a => Assert.Contains(a.DegradedReason, (string[])["cloud-deadline", "cloud-circuit-open"]));
        Assert.Empty(await offline.Stack.CloudService<Edge.Cloud.HardExamples.HardExampleRepository>().ListAsync(EdgeStack.DeviceId, 10, ct));
        offline.Http.SetMode(FaultMode.Pass);
        var stored = await offline.DeliveredAsync(answers.Length, ct);
        AssertExactlyOnce(answers, stored);
    }

    [Fact]
    public async Task Requests_are_answered_while_the_broker_is_down_and_config_set_meanwhile_applies_when_it_returns()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var offline = await OfflineStack.StartAsync(cancellationToken: ct);
        var reports = offline.Stack.CloudService<ReportedConfigStore>();
        var live = offline.Stack.AgentService<LiveConfig>();
        var first = await offline.Stack.PutThresholdAsync($"/v1/thresholds/devices/{EdgeStack.DeviceId}", new ThresholdUpdate { Threshold = 0.31 }, ct);
        await reports.WaitForAsync(EdgeStack.DeviceId, r => r.DeviceVersion == first.Version, ct);

        offline.Mqtt.SetMode(FaultMode.Drop);
        var second = await offline.Stack.PutThresholdAsync($"/v1/thresholds/devices/{EdgeStack.DeviceId}", new ThresholdUpdate { Threshold = 0.62 }, ct);
        var answers = await InferManyAsync(offline, HeldOut.Digits.Take(20), ct);
        Assert.Equal(20, answers.Length);
        Assert.Equal(0.31, live.Current.Threshold);

        offline.Mqtt.SetMode(FaultMode.Pass);
        var reported = await reports.WaitForAsync(EdgeStack.DeviceId, r => r.DeviceVersion == second.Version, ct);
        Assert.Equal(0.62, reported.Threshold);
        Assert.Equal(0.62, live.Current.Threshold);
    }

    [Fact]
    public async Task With_cloud_and_broker_both_down_requests_are_answered_and_everything_catches_up_afterwards()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var offline = await OfflineStack.StartAsync(agentOverrides: AllCloud, cancellationToken: ct);
        var reports = offline.Stack.CloudService<ReportedConfigStore>();
        var first = await offline.Stack.PutThresholdAsync($"/v1/thresholds/devices/{EdgeStack.DeviceId}", new ThresholdUpdate { Threshold = 1.2 }, ct);
        await reports.WaitForAsync(EdgeStack.DeviceId, r => r.DeviceVersion == first.Version, ct);

        offline.Http.SetMode(FaultMode.Drop);
        offline.Mqtt.SetMode(FaultMode.Drop);
        var second = await offline.Stack.PutThresholdAsync($"/v1/thresholds/devices/{EdgeStack.DeviceId}", new ThresholdUpdate { Threshold = 1.4 }, ct);
        var answers = await InferManyAsync(offline, HeldOut.Digits.Take(30), ct);
        Assert.All(answers, a => Assert.Equal(Decision.LocalDegraded, a.Decision));

        offline.Http.SetMode(FaultMode.Pass);
        offline.Mqtt.SetMode(FaultMode.Pass);
        AssertExactlyOnce(answers, await offline.DeliveredAsync(answers.Length, ct));
        var reported = await reports.WaitForAsync(EdgeStack.DeviceId, r => r.DeviceVersion == second.Version, ct);
        Assert.Equal(1.4, reported.Threshold);
    }

    [Fact]
    public async Task A_flapping_link_answers_every_request_and_stores_no_sample_twice()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var offline = await OfflineStack.StartAsync(agentOverrides: AllCloud, cancellationToken: ct);
        FaultMode[] cycle = [FaultMode.Reset, FaultMode.Pass, FaultMode.Blackhole, FaultMode.Pass, FaultMode.Drop, FaultMode.Pass, FaultMode.Delay];
        offline.Http.Delay = TimeSpan.FromMilliseconds(300);
        var samples = Enumerable.Range(0, 240).Select(i => HeldOut.Digits[i % HeldOut.Digits.Count]).ToArray();
        var next = -1;
        var answers = new InferenceAnswer[samples.Length];

        // The link changes every 10 requests, in the middle of the stream (uploads included), on both links.
        await Task.WhenAll(Enumerable.Range(0, 6).Select(_ => Task.Run(
            async () =>
            {
                int i;
                while ((i = Interlocked.Increment(ref next)) < samples.Length)
                {
                    if (i % 10 == 0)
                    {
                        var mode = cycle[i / 10 % cycle.Length];
                        offline.Http.SetMode(mode);
                        offline.Mqtt.SetMode(mode == FaultMode.Delay ? FaultMode.Pass : mode);
                    }

                    answers[i] = await offline.Stack.InferAsync(samples[i].Pixels, ct);
                }
            },
            ct)));
        offline.Http.SetMode(FaultMode.Pass);
        offline.Mqtt.SetMode(FaultMode.Pass);

        Assert.All(answers, a => Assert.NotNull(a));
        var degraded = answers.Where(a => a.Decision == Decision.LocalDegraded).ToArray();
        Assert.NotEmpty(degraded);
        Assert.Equal(samples.Length, degraded.Length + answers.Count(a => a.Decision == Decision.Cloud));
        AssertExactlyOnce(answers, await offline.DeliveredAsync(samples.Length, ct));
    }

    [Fact]
    public async Task A_cloud_slower_than_the_deadline_gets_LocalDegraded_with_reason_cloud_deadline()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var offline = await OfflineStack.StartAsync(agentOverrides: AllCloud, cancellationToken: ct);
        offline.Http.Delay = TimeSpan.FromSeconds(2);
        offline.Http.SetMode(FaultMode.Delay);

        var answer = await offline.Stack.InferAsync(HeldOut.Digits[0].Pixels, ct);

        Assert.Equal(Decision.LocalDegraded, answer.Decision);
        Assert.Equal("cloud-deadline", answer.DegradedReason);
        offline.Http.SetMode(FaultMode.Pass);
        AssertExactlyOnce([answer], await offline.DeliveredAsync(1, ct));
    }

    [Fact]
    public async Task A_storm_of_429s_is_answered_locally_at_once_and_the_samples_are_delivered_later()
    {
        var ct = TestContext.Current.CancellationToken;
        var cloudLimits = new Dictionary<string, string?>
        {
            ["Admission:MaxConcurrency"] = "1",
            ["Admission:MaxQueue"] = "0",
            ["Admission:RetryAfterSeconds"] = "1",
        };
        await using var offline = await OfflineStack.StartAsync(cloudLimits, AllCloudPatient, ct);
        var gate = offline.Stack.CloudService<AdmissionGate>();
        InferenceAnswer[] answers;
        using (var held = gate.TryEnter())
        {
            Assert.True(held.Admitted);
            answers = await InferManyAsync(offline, HeldOut.Digits.Take(25), ct);
        }

        Assert.All(answers, a => Assert.Equal(Decision.LocalDegraded, a.Decision));
        Assert.All(answers, a => Assert.Equal("cloud-throttled", a.DegradedReason));
        AssertExactlyOnce(answers, await offline.DeliveredAsync(answers.Length, ct));
    }

    private static async Task<InferenceAnswer[]> InferManyAsync(OfflineStack offline, IEnumerable<DigitSample> samples, CancellationToken ct) =>
        await Task.WhenAll(samples.Select(s => offline.Stack.InferAsync(s.Pixels, ct)));

    /// <summary>
    /// Every Cloud and LocalDegraded answer's sample is stored once. A sample the cloud answered is stored by
    /// <c>/v1/infer</c> with reason <c>cloud-answered</c>; so is a degraded one whose answer was lost or late (the outbox
    /// upload under the same id is then a duplicate), otherwise it carries the device's degraded reason.
    /// </summary>
    private static void AssertExactlyOnce(InferenceAnswer[] answers, Edge.Shared.HardExamples.StoredHardExample[] stored)
    {
        var kept = answers.Where(a => a.Decision is Decision.Cloud or Decision.LocalDegraded).ToArray();
        var degraded = kept.Where(a => a.Decision == Decision.LocalDegraded).ToArray();
        Assert.Equal(kept.Length, stored.Length);
        Assert.Equal(stored.Length, stored.Select(s => s.Id).Distinct().Count());
        Assert.Equal(kept.Select(a => a.LocalLabel).Order(StringComparer.Ordinal), stored.Select(s => s.EdgeLabel).Order(StringComparer.Ordinal));
        var byDevice = stored.Where(s => s.Reason != "cloud-answered").ToArray();
        Assert.True(stored.Length - byDevice.Length >= kept.Length - degraded.Length, "every Cloud answer's sample is stored by /v1/infer");
        Assert.All(byDevice, s => Assert.Contains(s.Reason, degraded.Select(a => a.DegradedReason)));
    }
}
