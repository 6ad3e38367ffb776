namespace Edge.Agent.Tests.Routing;

using Edge.Agent.Observability;
using Edge.Agent.Outbox;
using Edge.Agent.Routing;
using Edge.Agent.Tests.Support;
using Edge.Shared.Inference;
using Xunit;

public sealed class AuditSamplingTests
{
    [Fact]
    public async Task Every_local_answer_is_audited_in_the_background_when_the_rate_is_one()
    {
        await using var cloud = await FakeCloud.StartAsync();
        await using var agent = await TestAgentHost.StartAsync(cloud.BaseUrl, new Dictionary<string, string?>
        {
            ["Routing:DefaultThreshold"] = "0",
            ["Routing:DefaultAuditSampleRate"] = "1",
            ["Routing:AuditMaxConcurrency"] = "64",
        });

        for (var i = 0; i < 5; i++)
        {
            Assert.Equal(Decision.Local, (await agent.Http.InferAsync(Requests.HeldOutTensor(i))).Decision);
        }

        var metrics = agent.Service<AgentMetrics>();
        await Requests.EventuallyAsync(() => metrics.AuditSent.Value == 5, "5 audits answered");
        Assert.All(cloud.Purposes, p => Assert.Equal("audit", p));
        Assert.Equal(5, metrics.AuditAgreed.Value + metrics.AuditDisagreed.Value);
    }

    [Fact]
    public async Task Audits_beyond_the_concurrency_limit_go_to_the_outbox_without_delaying_the_caller()
    {
        await using var cloud = await FakeCloud.StartAsync();
        cloud.Behaviour = FakeCloud.Hang();
        await using var agent = await TestAgentHost.StartAsync(cloud.BaseUrl, new Dictionary<string, string?>
        {
            ["Routing:DefaultThreshold"] = "0",
            ["Routing:DefaultAuditSampleRate"] = "1",
            ["Routing:AuditMaxConcurrency"] = "1",
            ["Cloud:Deadline"] = "00:01:00",
            ["Cloud:AttemptTimeout"] = "00:01:00",
        });

        for (var i = 0; i < 5; i++)
        {
            Assert.Equal(Decision.Local, (await agent.Http.InferAsync(Requests.HeldOutTensor(i))).Decision);
        }

        var metrics = agent.Service<AgentMetrics>();
        Assert.Equal(4, metrics.AuditDeferred.Value);
        Assert.Equal(0, metrics.AuditDropped.Value);
        var store = agent.Service<OutboxStore>();
        await Requests.EventuallyAsync(() => store.ReadOldest(OutboxKind.AuditSample, 10).Count == 4, "4 audit samples committed to the outbox");
        await Requests.EventuallyAsync(() => cloud.Requests == 1, "the one audit to reach the cloud");
        var text = await agent.Http.GetStringAsync("/metrics", TestContext.Current.CancellationToken);
        Assert.Contains("edge_agent_audit_samples_total{result=\"deferred\"} 4", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_audit_the_cloud_cannot_answer_waits_in_the_outbox_under_the_id_the_live_call_sent()
    {
        await using var cloud = await FakeCloud.StartAsync();
        cloud.Behaviour = FakeCloud.Status(503);
        await using var agent = await TestAgentHost.StartAsync(cloud.BaseUrl, new Dictionary<string, string?>
        {
            ["Routing:DefaultThreshold"] = "0",
            ["Routing:DefaultAuditSampleRate"] = "1",
            ["Outbox:PollInterval"] = "01:00:00",
            ["Outbox:RetryMinDelay"] = "01:00:00",
            ["Outbox:RetryMaxDelay"] = "01:00:00",
        });

        Assert.Equal(Decision.Local, (await agent.Http.InferAsync(Requests.HeldOutTensor(0))).Decision);

        var metrics = agent.Service<AgentMetrics>();
        var store = agent.Service<OutboxStore>();
        await Requests.EventuallyAsync(() => store.ReadOldest(OutboxKind.AuditSample, 10).Count == 1, "the audit sample committed to the outbox");
        var entry = Assert.Single(store.ReadOldest(OutboxKind.AuditSample, 10));
        Assert.Equal(AuditSample.Reason, entry.Reason);
        Assert.Equal(1, metrics.AuditFailed.Value);
        Assert.Contains(entry.Id.ToString("D"), cloud.SampleIds);
        Assert.Equal(await Requests.HeldOutTensor(0).ReadAsByteArrayAsync(TestContext.Current.CancellationToken), entry.Payload);
    }

    [Fact]
    public async Task No_audits_are_sent_when_the_rate_is_zero()
    {
        await using var cloud = await FakeCloud.StartAsync();
        await using var agent = await TestAgentHost.StartAsync(cloud.BaseUrl, new Dictionary<string, string?> { ["Routing:DefaultThreshold"] = "0" });
        for (var i = 0; i < 5; i++)
        {
            await agent.Http.InferAsync(Requests.HeldOutTensor(i));
        }

        // An audit holds its in-flight permit until the cloud has seen it, so 0 and 0 means none was started.
        Assert.Equal(0, agent.Service<Edge.Agent.Routing.AuditSampler>().InFlight);
        Assert.Equal(0, cloud.Requests);
    }
}
