namespace Edge.Integration.Tests;

using System.Net.Http.Json;
using Edge.Agent.Observability;
using Edge.Cloud;
using Edge.Shared.HardExamples;
using Edge.Shared.Inference;
using Edge.Shared.Serialization;
using Edge.TestSupport;
using Microsoft.Extensions.Configuration;

public sealed class HardExampleDeliveryTests
{
    [Fact]
    public async Task Every_Cloud_and_LocalDegraded_sample_reaches_the_restarted_cloud_exactly_once_and_labelled()
    {
        var ct = TestContext.Current.CancellationToken;
        var agentSettings = new Dictionary<string, string?>
        {
            ["Routing:DefaultThreshold"] = "1.5",
            ["Mqtt:Enabled"] = "false",
            ["Outbox:RetryMinDelay"] = "00:00:00.050",
            ["Outbox:RetryMaxDelay"] = "00:00:00.300",
            ["Outbox:PollInterval"] = "00:00:00.200",
            ["Outbox:DrainBatchSize"] = "7",
        };
        await using var stack = await EdgeStack.StartAsync(null, agentOverrides: agentSettings, cancellationToken: ct);
        // Stored by the cloud's /v1/infer as it answers; the LocalDegraded ones come through the outbox.
        var answered = await stack.InferAsync(HeldOut.Digits[0].Pixels, ct);
        Assert.Equal(Decision.Cloud, answered.Decision);
        await stack.StopCloudAsync(ct);

        var samples = HeldOut.Digits.Skip(1).Take(30).ToArray();
        var localLabels = new List<string>();
        foreach (var sample in samples)
        {
            var answer = await stack.InferAsync(sample.Pixels, ct);
            Assert.Equal(Decision.LocalDegraded, answer.Decision);
            localLabels.Add(answer.LocalLabel);
        }

        var metrics = stack.AgentService<AgentMetrics>();
        await EventuallyAsync(() => metrics.OutboxEnqueued.Value == samples.Length, "every sample committed to the outbox", ct);
        Assert.Equal(0, metrics.OutboxUploaded.Value);

        // The cloud comes back on the same address and database.
        var config = stack.Cloud.Configuration;
        var restarted = CloudApplication.Create([], new Dictionary<string, string?>(TestCredentials.Cloud(EdgeStack.DeviceId))
        {
            ["Cloud:Urls"] = config["Cloud:Urls"],
            ["Storage:ConnectionString"] = config["Storage:ConnectionString"],
            ["Mqtt:EmbeddedPort"] = FreePort.Next().ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Mqtt:ClientId"] = "cloud-restarted",
            ["Serilog:MinimumLevel:Default"] = "Warning",
        });
        await restarted.StartAsync(ct);
        try
        {
            await EventuallyAsync(() => metrics.OutboxEntries.Value == 0, "the outbox drained", ct);
            var stored = await stack.CloudHttp.GetFromJsonAsync(
                $"/v1/hard-examples?device={EdgeStack.DeviceId}&limit=1000", EdgeJsonContext.Default.StoredHardExampleArray, ct);

            Assert.NotNull(stored);
            Assert.Equal(samples.Length + 1, stored.Length);
            Assert.Equal(samples.Length + 1, stored.Select(s => s.Id).Distinct().Count());
            Assert.Equal(localLabels.Append(answered.LocalLabel).Order(), stored.Select(s => s.EdgeLabel).Order());
            Assert.Equal(answered.CloudLabel, Assert.Single(stored, s => s.Reason == "cloud-answered").CloudLabel);
            Assert.All(stored, s => Assert.NotNull(s.CloudLabel));
            Assert.All(stored, s => Assert.StartsWith("cloud-", s.Reason, StringComparison.Ordinal));
            Assert.Equal(samples.Length, metrics.OutboxUploaded.Value);
        }
        finally
        {
            await restarted.StopAsync(CancellationToken.None);
            await restarted.DisposeAsync();
        }
    }

    private static async Task EventuallyAsync(Func<bool> condition, string what, CancellationToken ct)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, $"timed out waiting for: {what}");
            await Task.Delay(25, ct);
        }
    }
}
