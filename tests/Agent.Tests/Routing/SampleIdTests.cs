namespace Edge.Agent.Tests.Routing;

using System.Collections.Concurrent;
using Edge.Agent.Observability;
using Edge.Agent.Outbox;
using Edge.Agent.Tests.Support;
using Edge.Shared.Inference;
using Xunit;

/// <summary>
/// Each fallback carries one sample id on every attempt, and a degraded sample goes to the outbox under that id,
/// so the cloud stores it once whichever way it arrives.
/// </summary>
public sealed class SampleIdTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("edge-sample-id-").FullName;

    [Fact]
    public async Task Every_attempt_of_a_fallback_carries_the_same_sample_id_and_the_outbox_keeps_the_sample_under_it()
    {
        await using var cloud = await FakeCloud.StartAsync();
        var seen = new ConcurrentQueue<string>();
        cloud.Behaviour = (context, _) =>
        {
            seen.Enqueue(context.Request.Headers["X-Edge-Sample-Id"].ToString());
            context.Response.StatusCode = 500;
            return Task.CompletedTask;
        };
        var path = Path.Combine(_dir, "outbox.db");
        var settings = new Dictionary<string, string?>
        {
            ["Routing:DefaultThreshold"] = "1.5",
            ["Cloud:MaxRetries"] = "2",
            ["Outbox:Path"] = path,
            ["Outbox:PollInterval"] = "01:00:00",
            ["Outbox:RetryMinDelay"] = "01:00:00",
            ["Outbox:RetryMaxDelay"] = "01:00:00",
        };
        await using (var agent = await TestAgentHost.StartAsync(cloud.BaseUrl, settings))
        {
            var answer = await agent.Http.InferAsync(Requests.HeldOutTensor(0));
            Assert.Equal(Decision.LocalDegraded, answer.Decision);
            var metrics = agent.Service<AgentMetrics>();
            await Requests.EventuallyAsync(() => metrics.OutboxEnqueued.Value == 1, "the sample committed");
        }

        Assert.Equal(3, seen.Count);
        var id = Guid.Parse(Assert.Single(seen.Distinct()));
        Assert.Equal(7, id.Version);
        using var store = new OutboxStore(path, 100, 1 << 20, new AgentMetrics());
        Assert.Equal(id, Assert.Single(store.ReadOldest(OutboxKind.HardExample, 100)).Id);
    }

    [Fact]
    public async Task Each_request_and_each_audit_gets_its_own_sample_id()
    {
        await using var cloud = await FakeCloud.StartAsync();
        var fallbacks = new ConcurrentQueue<string>();
        var audits = new ConcurrentQueue<string>();
        var answer = FakeCloud.Answer("7");
        cloud.Behaviour = (context, token) =>
        {
            var headers = context.Request.Headers;
            (headers["X-Edge-Purpose"] == "audit" ? audits : fallbacks).Enqueue(headers["X-Edge-Sample-Id"].ToString());
            return answer(context, token);
        };
        var settings = new Dictionary<string, string?>
        {
            ["Routing:DefaultThreshold"] = "1.5",
            ["Outbox:Path"] = Path.Combine(_dir, "outbox.db"),
        };
        await using (var agent = await TestAgentHost.StartAsync(cloud.BaseUrl, settings))
        {
            for (var i = 0; i < 3; i++)
            {
                Assert.Equal(Decision.Cloud, (await agent.Http.InferAsync(Requests.HeldOutTensor(i))).Decision);
            }
        }

        Assert.Equal(3, fallbacks.Distinct().Count(id => Guid.TryParse(id, out var g) && g != Guid.Empty));

        await using (var agent = await TestAgentHost.StartAsync(cloud.BaseUrl, new Dictionary<string, string?>
        {
            ["Routing:DefaultThreshold"] = "0",
            ["Routing:DefaultAuditSampleRate"] = "1",
            ["Outbox:Path"] = Path.Combine(_dir, "outbox2.db"),
        }))
        {
            Assert.Equal(Decision.Local, (await agent.Http.InferAsync(Requests.HeldOutTensor(0))).Decision);
            var metrics = agent.Service<AgentMetrics>();
            await Requests.EventuallyAsync(() => metrics.AuditSent.Value == 1, "the audit answered");
        }

        var auditId = Assert.Single(audits);
        Assert.True(Guid.TryParse(auditId, out var parsed) && parsed != Guid.Empty, "an audit carries a sample id");
        Assert.DoesNotContain(auditId, fallbacks);
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);
}
