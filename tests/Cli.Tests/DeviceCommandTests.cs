namespace Edge.Cli.Tests;

using System.Net;
using Edge.Shared.Config;
using Edge.TestSupport.Fleet;
using Xunit;

public sealed class DeviceCommandTests(CliCloudFixture fixture) : IClassFixture<CliCloudFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Devices_list_show_and_groups_list_show_what_devices_reported()
    {
        await using var a = await ReportAsync("cli-dev-a", "line-1", 0.8, ConfigScope.Group, "CPUExecutionProvider");
        await using var b = await ReportAsync("cli-dev-b", "line-2", 0.5, null, "CUDAExecutionProvider");
        await using var c = await ReportAsync("cli-dev-c", "line-2", 0.5, null, "CUDAExecutionProvider");

        var (code, list) = await Cli("devices", "list");
        Assert.True(code == 0, list);
        Assert.Contains("cli-dev-a", list, StringComparison.Ordinal);
        Assert.Contains("CUDAExecutionProvider", list, StringComparison.Ordinal);
        Assert.Contains("digits-edge 1.0.0", list, StringComparison.Ordinal);

        var (filteredCode, filtered) = await Cli("devices", "list", "--group", "line-1");
        Assert.True(filteredCode == 0, filtered);
        Assert.Contains("cli-dev-a", filtered, StringComparison.Ordinal);
        Assert.DoesNotContain("cli-dev-b", filtered, StringComparison.Ordinal);

        var (showCode, show) = await Cli("devices", "show", "cli-dev-a");
        Assert.True(showCode == 0, show);
        Assert.Contains("0.8 (from group)", show, StringComparison.Ordinal);
        Assert.Contains("CPUExecutionProvider", show, StringComparison.Ordinal);

        var (groupsCode, groups) = await Cli("groups", "list");
        Assert.True(groupsCode == 0, groups);
        Assert.Matches(@"line-2\s*│\s*2\s*│\s*digits-edge 1\.0\.0 ×2", groups);
        Assert.Matches(@"line-1\s*│\s*1\s*│", groups);
    }

    [Fact]
    public async Task Devices_show_of_a_device_that_never_reported_prints_the_clouds_problem()
    {
        var (code, output) = await Cli("devices", "show", "cli-nobody");

        Assert.Equal(1, code);
        Assert.Contains("404", output, StringComparison.Ordinal);
        Assert.Contains("device 'cli-nobody' has not reported its config", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Devices_list_with_an_unknown_group_says_so()
    {
        var (code, output) = await Cli("devices", "list", "--group", "cli-no-such-group");

        Assert.True(code == 0, output);
        Assert.Contains("no device reported group 'cli-no-such-group'", output, StringComparison.Ordinal);
    }

    private async Task<FakeDevice> ReportAsync(string id, string group, double threshold, ConfigScope? source, string provider)
    {
        var device = await FakeDevice.ConnectAsync(fixture.Cloud.MqttPort, id, Ct, CliCloudFixture.Running);
        await device.ReportAsync(
            new ReportedConfig
            {
                DeviceId = id, Group = group, Threshold = threshold, ThresholdSource = source, AuditSampleRate = 0.01,
                ModelName = CliCloudFixture.Model, ModelVersion = CliCloudFixture.OldVersion, ExecutionProvider = provider,
                AppliedAt = DateTimeOffset.UtcNow,
            },
            Ct);

        // The cloud stores reports off the MQTT receive path and offers no event to the CLI: poll its API until it shows.
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        deadline.CancelAfter(TimeSpan.FromSeconds(30));
        while (true)
        {
            using var response = await fixture.Http.GetAsync($"/v1/devices/{id}", deadline.Token);
            if (response.StatusCode == HttpStatusCode.OK)
            {
                return device;
            }

            await Task.Delay(20, deadline.Token);
        }
    }

    private Task<(int Code, string Output)> Cli(params string[] args) => CliRunner.RunAsync([.. args, "--cloud", fixture.Url]);
}
