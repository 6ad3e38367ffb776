namespace Edge.Agent.Tests.Outbox;

using System.Text.Json;
using Edge.Agent.Observability;
using Edge.Agent.Outbox;
using Edge.Agent.Tests.Support;
using Edge.Shared.Inference;
using Edge.Shared.Serialization;
using Edge.TestSupport;
using Xunit;

public sealed class OutboxAgentTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("edge-outbox-agent-").FullName;

    [Fact]
    public async Task LocalDegraded_samples_are_kept_in_the_outbox_file_across_an_agent_restart()
    {
        await using var cloud = await FakeCloud.StartAsync();
        cloud.Behaviour = FakeCloud.Status(500);
        var path = Path.Combine(_dir, "outbox.db");
        var settings = new Dictionary<string, string?> { ["Routing:DefaultThreshold"] = "1.5", ["Outbox:Path"] = path };
        var sent = HeldOut.Digits.Take(5).ToArray();
        var labels = new List<string>();
        var reasons = new List<string?>();
        await using (var agent = await TestAgentHost.StartAsync(cloud.BaseUrl, settings))
        {
            foreach (var sample in sent)
            {
                var answer = await agent.Http.InferAsync(Requests.Tensor(sample.Pixels));
                Assert.Equal(Decision.LocalDegraded, answer.Decision);
                labels.Add(answer.LocalLabel);
                reasons.Add(answer.DegradedReason);
            }

            var metrics = agent.Service<AgentMetrics>();
            await Requests.EventuallyAsync(() => metrics.OutboxEnqueued.Value == sent.Length, "five entries committed");
            var text = await agent.Http.GetStringAsync("/metrics", TestContext.Current.CancellationToken);
            Assert.Contains("edge_agent_outbox_entries 5\n", text, StringComparison.Ordinal);
            Assert.Contains("edge_agent_outbox_enqueued_total 5\n", text, StringComparison.Ordinal);
        }

        using var reopened = new OutboxStore(path, 100, 1 << 20, new AgentMetrics());
        var entries = reopened.ReadOldest(OutboxKind.HardExample, 100);
        Assert.Equal(sent.Length, entries.Count);
        Assert.Equal(sent.Length, entries.Select(e => e.Id).Distinct().Count());
        for (var i = 0; i < sent.Length; i++)
        {
            var payload = JsonSerializer.Deserialize(entries[i].Payload, EdgeJsonContext.Default.TensorPayload)!;
            Assert.Equal(sent[i].Pixels, payload.Data);
            Assert.Equal(labels[i], entries[i].LocalLabel);
            Assert.Equal(reasons[i], entries[i].Reason);
            Assert.StartsWith("application/json", entries[i].ContentType, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Every_LocalDegraded_answer_is_given_only_after_its_sample_is_committed()
    {
        await using var cloud = await FakeCloud.StartAsync();
        cloud.Behaviour = FakeCloud.Status(500);
        var settings = new Dictionary<string, string?>
        {
            ["Routing:DefaultThreshold"] = "1.5",
            ["Outbox:Path"] = Path.Combine(_dir, "outbox.db"),
        };
        await using var agent = await TestAgentHost.StartAsync(cloud.BaseUrl, settings);
        var metrics = agent.Service<AgentMetrics>();

        // Concurrent requests share commits; each answer must still wait for the one holding its own sample.
        var answers = await Task.WhenAll(HeldOut.Digits.Take(40).Select(s => agent.Http.InferAsync(Requests.Tensor(s.Pixels))));

        Assert.All(answers, a => Assert.Equal(Decision.LocalDegraded, a.Decision));
        Assert.Equal(answers.Length, metrics.OutboxEnqueued.Value);
        Assert.Equal(answers.Length, metrics.OutboxEntries.Value);
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);
}
