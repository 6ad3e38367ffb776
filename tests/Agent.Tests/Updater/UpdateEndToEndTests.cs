namespace Edge.Agent.Tests.Updater;

using System.Net.Http.Json;
using System.Text.Json;
using Edge.Agent.Api;
using Edge.Agent.Tests.Mqtt;
using Edge.Agent.Tests.Support;
using Edge.Shared.Mqtt;
using Edge.Shared.Serialization;
using Edge.Shared.Updates;
using Edge.TestSupport;
using Edge.Updates;
using Xunit;

/// <summary>Updates end to end: a real agent, a real broker, real signed packages, real ONNX Runtime sessions.</summary>
public sealed class UpdateEndToEndTests : UpdateTestBase
{
    [Fact]
    public async Task A_signed_update_is_downloaded_verified_self_tested_and_swapped_in()
    {
        using var deadline = Deadline();
        var ct = deadline.Token;
        await using var cloud = await TestCloud.StartAsync(Device, ct);
        await using var reported = await TestMqttClient.ConnectAsync(cloud.Port, ct);
        await reported.SubscribeAsync(Topics.DeviceReported(Device), ct);
        await using var agent = await TestAgentHost.StartAsync(cloud.Agent(State.FullName, [Key.PublicKey]), ct);
        Assert.Equal(TestPackages.Factory, (await agent.InferAsync()).ModelVersion);

        var package = TestPackages.Build(TestPackages.DigitsV2(), Key);
        cloud.Add(package);
        await cloud.PublishDesiredAsync(package.Package, ct);
        var applied = await cloud.WaitForStateAsync(UpdateState.Applied, TestPackages.V2, ct);

        var states = cloud.Statuses().Where(s => s.TargetVersion == TestPackages.V2).Select(s => s.State).Distinct().ToList();
        Assert.Equal([UpdateState.Downloading, UpdateState.Verifying, UpdateState.SelfTest, UpdateState.HealthCheck, UpdateState.Applied], states);
        Assert.Equal((TestPackages.V2, "r-1", PayloadKind.Full), (applied.RunningVersion, applied.RolloutId, applied.PayloadKind));
        Assert.Equal(TestPackages.V2, (await agent.InferAsync(3)).ModelVersion);

        // Config sync's reported state follows the swap.
        var report = await reported.WaitForAsync(Topics.DeviceReported(Device), EdgeJsonContext.Default.ReportedConfig, r => r.ModelVersion == TestPackages.V2, ct);
        Assert.Equal("digits-edge", report.ModelName);

        var status = await agent.Http.GetFromJsonAsync("/v1/status", AgentJsonContext.Default.StatusResponse, ct);
        Assert.Equal((TestPackages.V2, UpdateState.Applied), (status!.Version, status.Update?.State));
        var current = File.ReadAllText(Path.Combine(State.FullName, "models", "current.json"));
        Assert.Contains("\"version\": \"2.0.0\"", current, StringComparison.Ordinal);
        Assert.Empty(Directory.GetFiles(Path.Combine(State.FullName, "updates"), "*.part"));
    }

    [Fact]
    public async Task A_desired_version_that_is_already_running_is_reported_applied_without_a_download()
    {
        using var deadline = Deadline();
        var ct = deadline.Token;
        await using var cloud = await TestCloud.StartAsync(Device, ct);
        await using var agent = await TestAgentHost.StartAsync(cloud.Agent(State.FullName, [Key.PublicKey]), ct);

        var package = TestPackages.Build(TestPackages.DigitsEdge(TestPackages.Factory), Key);
        cloud.Add(package);
        await cloud.PublishDesiredAsync(package.Package, ct);
        await cloud.WaitForStateAsync(UpdateState.Applied, TestPackages.Factory, ct);

        Assert.Empty(cloud.Requested);
        Assert.DoesNotContain(cloud.Statuses(), s => s.State == UpdateState.Downloading);
    }

    [Fact]
    public async Task An_empty_retained_desired_means_nothing_to_do()
    {
        using var deadline = Deadline();
        var ct = deadline.Token;
        await using var cloud = await TestCloud.StartAsync(Device, ct);
        await using var agent = await TestAgentHost.StartAsync(cloud.Agent(State.FullName, [Key.PublicKey]), ct);
        await cloud.WaitForStateAsync(UpdateState.Idle, null, ct);

        await cloud.ClearDesiredAsync(ct);
        await Requests.EventuallyAsync(() => cloud.Statuses().Length >= 2, "a second Idle report after the clear");

        Assert.All(cloud.Statuses(), s => Assert.Equal((UpdateState.Idle, TestPackages.Factory), (s.State, s.RunningVersion)));
        Assert.Empty(cloud.Requested);
    }

    [Fact]
    public async Task Outstanding_blocks_are_requested_again_after_a_reconnect()
    {
        using var deadline = Deadline();
        var ct = deadline.Token;
        await using var cloud = await TestCloud.StartAsync(Device, ct);

        // A block timeout longer than the test: only the reconnect can bring the withheld blocks.
        await using var agent = await TestAgentHost.StartAsync(cloud.Agent(State.FullName, [Key.PublicKey], new Dictionary<string, string?>
        {
            ["Updates:BlockTimeout"] = "00:10:00",
        }), ct);
        var package = TestPackages.Build(TestPackages.DigitsV2(), Key);
        cloud.Add(package);
        cloud.Serve = index => index != 5;
        await cloud.PublishDesiredAsync(package.Package, ct);
        await Requests.EventuallyAsync(() => agent.Reporter.Latest is { State: UpdateState.Downloading, BlocksReceived: >= 7 }, "the blocks around the withheld one");

        cloud.Serve = _ => true;
        await cloud.DisconnectDeviceAsync();
        await cloud.WaitForStateAsync(UpdateState.Applied, TestPackages.V2, ct);

        Assert.Equal(2, cloud.Requested.Count(i => i == 5));
    }

    [Fact]
    public async Task A_device_holding_the_base_version_downloads_the_smaller_delta()
    {
        using var deadline = Deadline();
        var ct = deadline.Token;
        await using var cloud = await TestCloud.StartAsync(Device, ct);
        await using var agent = await TestAgentHost.StartAsync(cloud.Agent(State.FullName, [Key.PublicKey], new Dictionary<string, string?>
        {
            ["Inference:Manifest"] = RepoPaths.Model("camera-mnv2-v1.manifest.json"),
        }), ct);
        var v1 = TestPackages.Onnx("camera-mnv2-v1");
        var package = PackageBuilder.Build(
            TestPackages.Manifest("camera-mnv2-v2"), TestPackages.Onnx("camera-mnv2-v2"), [new BaseModel("1.0.0", v1)], DeviceClasses.Any, Key, DateTimeOffset.UnixEpoch, level: 3);
        var delta = Assert.Single(package.Payloads, p => p.Payload.Kind == PayloadKind.Delta);
        cloud.Add(package);
        await cloud.PublishDesiredAsync(package.Package, ct, blockSize: 64 * 1024);

        var applied = await cloud.WaitForStateAsync(UpdateState.Applied, "2.0.0", ct);
        Assert.Equal((PayloadKind.Delta, delta.Payload.Size), (applied.PayloadKind, applied.PayloadBytes));
        Assert.True(delta.Payload.Size < package.Payloads[0].Payload.Size);
        Assert.Equal("2.0.0", agent.Model.ModelVersion);
    }

    internal static CancellationTokenSource Deadline()
    {
        var deadline = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        deadline.CancelAfter(TimeSpan.FromSeconds(60));
        return deadline;
    }
}
