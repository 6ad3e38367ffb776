namespace Edge.Agent.Tests.Api;

using System.Text.Json;
using Edge.Agent.Routing;
using Edge.Agent.Tests.Support;
using Edge.Shared.Config;
using Edge.TestSupport;
using Xunit;

public sealed class HealthAndMetricsTests
{
    [Fact]
    public async Task Healthz_names_the_model_provider_and_threshold()
    {
        await using var agent = await TestAgentHost.StartAsync($"http://127.0.0.1:{FreePort.Next()}");
        using var json = JsonDocument.Parse(await agent.Http.GetStringAsync("/healthz", TestContext.Current.CancellationToken));
        var root = json.RootElement;

        Assert.Equal("ok", root.GetProperty("status").GetString());
        Assert.Equal("digits-edge", root.GetProperty("model").GetString());
        Assert.Equal("1.0.0", root.GetProperty("version").GetString());
        Assert.Equal("CPU", root.GetProperty("executionProvider").GetString());
        Assert.Equal(0.8, root.GetProperty("threshold").GetDouble());
    }

    [Fact]
    public async Task Status_and_metrics_follow_a_live_config_change()
    {
        await using var agent = await TestAgentHost.StartAsync($"http://127.0.0.1:{FreePort.Next()}");
        var live = agent.Service<LiveConfig>();
        var applied = live.AppliedCount;
        live.Apply(new RoutingSettings(0.65, ConfigScope.Group, 0.25, ScoreFunction.Margin));

        using var status = JsonDocument.Parse(await agent.Http.GetStringAsync("/v1/status", TestContext.Current.CancellationToken));
        var metrics = await agent.Http.GetStringAsync("/metrics", TestContext.Current.CancellationToken);

        Assert.Equal(0.65, status.RootElement.GetProperty("threshold").GetDouble());
        Assert.Equal("Group", status.RootElement.GetProperty("thresholdSource").GetString());
        Assert.Equal("Margin", status.RootElement.GetProperty("scoreFunction").GetString());
        Assert.Contains("edge_agent_threshold 0.65\n", metrics, StringComparison.Ordinal);
        Assert.Contains("edge_agent_threshold_source{source=\"group\"} 1\n", metrics, StringComparison.Ordinal);
        Assert.Contains($"edge_agent_config_changes_total {applied + 1}\n", metrics, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Metrics_count_answers_by_decision_in_prometheus_text_format()
    {
        await using var agent = await TestAgentHost.StartAsync(
            $"http://127.0.0.1:{FreePort.Next()}", new Dictionary<string, string?> { ["Routing:DefaultThreshold"] = "0" });
        await agent.Http.InferAsync(Requests.HeldOutTensor(0));
        await agent.Http.InferAsync(Requests.HeldOutTensor(1));

        using var response = await agent.Http.GetAsync("/metrics", TestContext.Current.CancellationToken);
        var text = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);

        Assert.Equal("text/plain; version=0.0.4; charset=utf-8", response.Content.Headers.ContentType?.ToString());
        Assert.Contains("edge_agent_requests_total{decision=\"local\"} 2\n", text, StringComparison.Ordinal);
        Assert.Contains("edge_agent_request_duration_seconds_count{decision=\"local\"} 2\n", text, StringComparison.Ordinal);
        Assert.Contains("edge_agent_request_duration_seconds_bucket{decision=\"local\",le=\"+Inf\"} 2\n", text, StringComparison.Ordinal);
        Assert.Contains("edge_agent_model_info{name=\"digits-edge\",version=\"1.0.0\"} 1\n", text, StringComparison.Ordinal);
        Assert.Contains("edge_agent_execution_provider_info{provider=\"CPU\"} 1\n", text, StringComparison.Ordinal);
        Assert.Contains("edge_agent_cloud_circuit_state{state=\"closed\"} 1\n", text, StringComparison.Ordinal);
        Assert.All(
            text.Split('\n', StringSplitOptions.RemoveEmptyEntries).Where(l => !l.StartsWith('#')),
            line => Assert.Matches(@"^[a-z_]+(\{[a-z_]+=""[^""]*""(,[a-z_]+=""[^""]*"")*\})? [-+0-9.eE]+(Inf)?$|^[a-z_]+(\{.*\})? NaN$", line));
    }
}
