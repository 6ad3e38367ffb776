namespace Edge.Cli.Tests;

using Edge.Shared.Updates;
using Edge.TestSupport.Fleet;
using Xunit;

public sealed class RolloutCommandTests(CliCloudFixture fixture) : IClassFixture<CliCloudFixture>
{
    private const string V = CliCloudFixture.NewVersion;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Create_list_show_and_abort_a_rollout_to_a_device_that_never_reported()
    {
        var (code, created) = await Cli("rollouts", "create", "--model", CliCloudFixture.Model, "--version", V, "--device", "cli-never", "--canary", "50", "--max-failure-share", "0.5");
        Assert.True(code == 0, created);
        var id = await fixture.RolloutIdForAsync("cli-never", Ct);
        Assert.Contains($"created rollout {id}", created, StringComparison.Ordinal);
        Assert.Contains("device cli-never", created, StringComparison.Ordinal);

        var (listCode, list) = await Cli("rollouts", "list");
        Assert.True(listCode == 0, list);
        Assert.Contains(id, list, StringComparison.Ordinal);
        Assert.Contains("0/1", list, StringComparison.Ordinal);

        var (showCode, show) = await Cli("rollouts", "show", id);
        Assert.True(showCode == 0, show);
        Assert.Contains("cli-never", show, StringComparison.Ordinal);
        Assert.Contains("Canary", show, StringComparison.Ordinal);
        Assert.Contains("Pending 1", show, StringComparison.Ordinal);

        var (abortCode, aborted) = await Cli("rollouts", "abort", id);
        Assert.True(abortCode == 0, aborted);
        Assert.Equal(RolloutState.Aborted, (await fixture.RolloutAsync(id, Ct)).State);

        // A finished rollout cannot be aborted again: the cloud's 409 problem is printed as its title and detail.
        var (againCode, again) = await Cli("rollouts", "abort", id);
        Assert.Equal(1, againCode);
        Assert.Contains("409", again, StringComparison.Ordinal);
        Assert.Contains(id, again, StringComparison.Ordinal);

        var (watchCode, watched) = await Cli("rollouts", "show", id, "--watch");
        Assert.Equal(4, watchCode);
        Assert.Contains("aborted", watched, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Create_with_watch_exits_zero_once_the_device_applied_the_version()
    {
        await using var device = await FakeDevice.ConnectAsync(fixture.Cloud.MqttPort, "cli-watch", Ct, CliCloudFixture.Running);
        var watch = Cli("rollouts", "create", "--model", CliCloudFixture.Model, "--version", V, "--device", "cli-watch", "--watch", "--interval", "0.05");

        // Without a rollout id the report counts for any rollout of the version it names, before or after creation.
        await device.StatusAsync(null, V, UpdateState.Applied, Ct);
        var (code, output) = await watch.WaitAsync(TimeSpan.FromSeconds(60), Ct);

        Assert.True(code == 0, output);
        Assert.Contains("completed", output, StringComparison.Ordinal);
        Assert.Contains("1 of 1 devices applied it", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Show_with_watch_exits_non_zero_with_the_reason_when_the_rollout_halts_and_resume_restarts_it()
    {
        var (code, created) = await Cli("rollouts", "create", "--model", CliCloudFixture.Model, "--version", V, "--device", "cli-halt", "--max-failure-share", "0");
        Assert.True(code == 0, created);
        var id = await fixture.RolloutIdForAsync("cli-halt", Ct);
        await using var device = await FakeDevice.ConnectAsync(fixture.Cloud.MqttPort, "cli-halt", Ct, CliCloudFixture.Running);
        var watch = Cli("rollouts", "show", id, "--watch", "--interval", "0.05");

        await device.StatusAsync(id, V, UpdateState.Downloading, Ct);
        await device.StatusAsync(id, V, UpdateState.Failed, Ct, UpdateFailure.SelfTestFailed);
        var (watchCode, watched) = await watch.WaitAsync(TimeSpan.FromSeconds(60), Ct);

        Assert.True(watchCode == 3, watched);
        Assert.Contains($"rollout {id} halted", watched, StringComparison.Ordinal);
        Assert.Contains("cli-halt", watched, StringComparison.Ordinal);
        Assert.Contains("SelfTestFailed: the test device says SelfTestFailed", watched, StringComparison.Ordinal);

        var (resumeCode, resumed) = await Cli("rollouts", "resume", id);
        Assert.True(resumeCode == 0, resumed);
        Assert.NotEqual(RolloutState.Halted, (await fixture.RolloutAsync(id, Ct)).State);
    }

    [Fact]
    public async Task A_rollout_of_an_unpublished_version_prints_the_clouds_problem()
    {
        var (code, output) = await Cli("rollouts", "create", "--model", CliCloudFixture.Model, "--version", "9.9.9", "--fleet");

        Assert.Equal(1, code);
        Assert.Contains("404", output, StringComparison.Ordinal);
        Assert.Contains("version 9.9.9 is not published", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Show_of_an_unknown_rollout_prints_the_clouds_problem()
    {
        var (code, output) = await Cli("rollouts", "show", "r-000000000000");

        Assert.Equal(1, code);
        Assert.Contains("rollout 'r-000000000000' does not exist", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Keys_show_prints_the_clouds_public_key_and_the_line_devices_need()
    {
        var json = await fixture.Http.GetStringAsync("/v1/keys", Ct);
        var key = System.Text.Json.JsonSerializer.Deserialize(json, Edge.Shared.Serialization.EdgeJsonContext.Default.SigningKeyInfo)!;

        var (code, output) = await Cli("keys", "show");

        Assert.True(code == 0, output);
        Assert.Contains(key.KeyId, output, StringComparison.Ordinal);
        Assert.Contains($"{Environment.NewLine}Updates__TrustedKeys__0={key.PublicKey}{Environment.NewLine}", output, StringComparison.Ordinal);
    }

    private Task<(int Code, string Output)> Cli(params string[] args) => CliRunner.RunAsync([.. args, "--cloud", fixture.Url]);
}
