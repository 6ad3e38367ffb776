namespace Edge.Integration.Tests.LoadControl;

using System.Net;
using System.Net.Http.Json;
using Edge.Agent.ConfigSync;
using Edge.Agent.Routing;
using Edge.Cloud.LoadControl;
using Edge.Cloud.Telemetry;
using Edge.Cloud.Thresholds;
using Edge.Shared.Config;
using Edge.Shared.Serialization;
using Edge.Shared.Telemetry;
using Edge.TestSupport;

/// <summary>
/// The whole loop with a real agent: its telemetry reaches the cloud, the cloud's curve and controller use it, and the
/// controller's move reaches the agent through the ordinary config propagation.
/// </summary>
public sealed class LoadControlEndToEndTests
{
    private const int Requests = 60;

    [Fact]
    public async Task A_real_agents_telemetry_feeds_the_curve_and_the_controller_lowers_its_groups_threshold_to_the_bound_which_the_agent_applies()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var stack = await EdgeStack.StartAsync(
            null,
            cloudOverrides: new Dictionary<string, string?> { ["LoadController:RunInBackground"] = "false" },
            agentOverrides: new Dictionary<string, string?> { ["Telemetry:Interval"] = "00:00:00.200", ["Routing:DefaultAuditSampleRate"] = "0" },
            cancellationToken: ct);
        var group = $"/v1/thresholds/groups/{EdgeStack.Group}";
        await PutAsync(stack, group + "/bounds", """{"min":0.8,"max":0.99}""", ct);
        var start = await stack.PutThresholdAsync(group, new ThresholdUpdate { Threshold = 0.97 }, ct);
        await stack.AgentService<ConfigSyncEvents>().WaitForAppliedAsync(ConfigScope.Group, start.Version, ct);

        // Every request lands in exactly one window; wait until the cloud has them all.
        var aggregator = stack.CloudService<TelemetryAggregator>();
        var all = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        void Check()
        {
            if (aggregator.Group(EdgeStack.Group)?.Scores.Sum() >= Requests)
            {
                all.TrySetResult();
            }
        }

        Action<TelemetryWindow> onAdded = _ => Check();
        aggregator.Added += onAdded;
        var cloudAnswered = 0;
        foreach (var sample in HeldOut.Digits.Take(Requests))
        {
            cloudAnswered += (await stack.InferAsync(sample.Pixels, ct)).Decision == Edge.Shared.Inference.Decision.Cloud ? 1 : 0;
        }

        Check();
        await all.Task.WaitAsync(ct);
        aggregator.Added -= onAdded;

        var telemetry = aggregator.Group(EdgeStack.Group)!;
        Assert.Equal(Requests, telemetry.Scores.Sum());
        Assert.Equal(1, telemetry.Devices);
        Assert.Equal(0.97, telemetry.Threshold!.Value, 9);
        Assert.True(cloudAnswered > 0, "threshold 0.97 should send some digits to the cloud");

        var curve = await stack.CloudHttp.GetFromJsonAsync($"/v1/curve/{EdgeStack.Group}", EdgeJsonContext.Default.WhatIfCurve, ct);
        Assert.NotNull(curve);
        Assert.Equal(Requests, curve.HistogramRequests);
        Assert.Equal(50, curve.Points.Length);
        Assert.Equal((double)(Requests - cloudAnswered) / Requests, curve.Points.Single(p => Math.Abs(p.Threshold - 0.97) < 1e-9).LocalShare, 9);
        using (var unknown = await stack.CloudHttp.GetAsync("/v1/curve/no-such-group", ct))
        {
            Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        }

        // A target far below what the group sends: the controller wants a much lower threshold and stops at the bound.
        await PutAsync(stack, "/v1/controller", """{"enabled":true,"targetCloudRps":0.001,"maxStep":0.5,"pinSeconds":0}""", ct);
        Assert.Equal(1, await stack.CloudService<LoadController>().RunOnceAsync(ct));

        var moved = await stack.CloudService<ThresholdRepository>().GetAsync(ConfigScope.Group, EdgeStack.Group, ct);
        Assert.Equal(0.8, moved!.Threshold!.Value, 9);
        await stack.AgentService<ConfigSyncEvents>().WaitForAppliedAsync(ConfigScope.Group, moved.Version, ct);
        Assert.Equal(0.8, stack.AgentService<LiveConfig>().Current.Threshold, 9);

        var audit = await stack.CloudService<AuditLog>().ReadAsync(100, ct);
        var entry = Assert.Single(audit, e => e.By == "controller");
        Assert.Equal(0.97, entry.From!.Threshold!.Value, 9);
        Assert.Equal(0.8, entry.To!.Threshold!.Value, 9);
    }

    private static async Task PutAsync(EdgeStack stack, string path, string json, CancellationToken ct)
    {
        using var content = new StringContent(json, System.Text.Encoding.UTF8, "application/json");
        using var response = await stack.CloudHttp.PutAsync(path, content, ct);
        Assert.True(response.IsSuccessStatusCode, $"PUT {path} → {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync(ct)}");
    }
}
