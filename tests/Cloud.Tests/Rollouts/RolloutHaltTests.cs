namespace Edge.Cloud.Tests.Rollouts;

using System.Net;
using Edge.Cloud.Tests.Support;
using Edge.Shared.Serialization;
using Edge.Shared.Updates;
using Edge.TestSupport.Fleet;
using Xunit;

public sealed class RolloutHaltTests(RolloutsFixture fixture) : IClassFixture<RolloutsFixture>
{
    [Fact]
    public async Task A_device_running_another_model_can_fail_the_rollout_by_refusing_its_package_but_never_complete_it()
    {
        using var deadline = Deadline.Within(TimeSpan.FromSeconds(60));
        var ct = deadline.Token;
        await using var other = await FakeDevice.ConnectAsync(fixture.Host.MqttPort, "other-model-1", ct, new FakeModel("some-other-model", "1.0.0", "1.0.0"));
        var rollout = await fixture.CreateAsync($$"""{"model":"{{RolloutsFixture.Model}}","version":"{{RolloutsFixture.NewVersion}}","scope":"Device","target":"other-model-1","canaryPercent":100,"maxFailureShare":0}""", ct);

        // A device running another model can never have applied this one: its forged or confused Applied is ignored.
        await other.StatusAsync(rollout.Id, UpdateState.Applied, ct);
        await other.StatusAsync(rollout.Id, UpdateState.Failed, ct, UpdateFailure.WrongModel);
        var halted = await fixture.Rollouts.WaitForAsync(rollout.Id, r => r.State != RolloutState.Canary, ct);

        Assert.Equal(RolloutState.Halted, halted.State);
        Assert.Equal(UpdateFailure.WrongModel, Assert.Single(halted.Devices!).Failure);
    }

    [Fact]
    public async Task Failures_over_the_share_halt_the_rollout_with_the_reason_and_resume_continues_it()
    {
        using var deadline = Deadline.Within(TimeSpan.FromSeconds(60));
        var ct = deadline.Token;
        await using var a = await fixture.DeviceAsync("halt-a", "halt", ct);
        await using var b = await fixture.DeviceAsync("halt-b", "halt", ct);
        await using var c = await fixture.DeviceAsync("halt-c", "halt", ct);
        var rollout = await fixture.CreateAsync(RolloutsFixture.GroupRollout("halt", 100, maxFailureShare: 0.4), ct);

        // One failure of three is within 0.4; a second is not.
        await a.StatusAsync(rollout.Id, UpdateState.Failed, ct, UpdateFailure.SelfTestFailed);
        var one = await fixture.Rollouts.WaitForAsync(rollout.Id, r => r.Counts.GetValueOrDefault("Failed") == 1, ct);
        Assert.Equal(RolloutState.Canary, one.State);
        await b.StatusAsync(rollout.Id, UpdateState.RolledBack, ct, UpdateFailure.HealthWindow);
        var halted = await fixture.Rollouts.WaitForAsync(rollout.Id, r => r.State != RolloutState.Canary, ct);

        Assert.Equal(RolloutState.Halted, halted.State);
        Assert.Contains("2 of 3", halted.Reason, StringComparison.Ordinal);
        Assert.Contains("halt-b RolledBack HealthWindow", halted.Reason, StringComparison.Ordinal);
        Assert.Equal(UpdateFailure.SelfTestFailed, halted.Devices!.Single(d => d.DeviceId == "halt-a").Failure);

        using var resume = await fixture.PostAsync($"/v1/rollouts/{rollout.Id}/resume", string.Empty, ct);
        var resumed = await resume.ReadAsync(EdgeJsonContext.Default.Rollout, ct);
        Assert.Equal(RolloutState.Canary, resumed.State);
        Assert.Null(resumed.Reason);

        // Resuming re-sends the package to devices that have not applied it; the acknowledged failures no longer count.
        Assert.Equal(rollout.Id, (await c.NextDesiredAsync(ct))!.RolloutId);
        Assert.Equal(rollout.Id, (await c.NextDesiredAsync(ct))!.RolloutId);
        await c.StatusAsync(rollout.Id, UpdateState.Applied, ct);
        var completed = await fixture.Rollouts.WaitForAsync(rollout.Id, r => r.State is not RolloutState.Canary, ct);
        Assert.Equal(RolloutState.Completed, completed.State);
    }

    [Fact]
    public async Task After_a_resume_the_acknowledged_devices_recovering_does_not_hide_other_devices_failing()
    {
        using var deadline = Deadline.Within(TimeSpan.FromSeconds(60));
        var ct = deadline.Token;
        var devices = new List<FakeDevice>();
        foreach (var id in new[] { "ack-a", "ack-b", "ack-c", "ack-d" })
        {
            devices.Add(await fixture.DeviceAsync(id, "ack", ct));
        }

        try
        {
            var (a, b, c, d) = (devices[0], devices[1], devices[2], devices[3]);
            var rollout = await fixture.CreateAsync(RolloutsFixture.GroupRollout("ack", 100, maxFailureShare: 0.3), ct);
            await a.StatusAsync(rollout.Id, UpdateState.Failed, ct, UpdateFailure.Timeout);
            await b.StatusAsync(rollout.Id, UpdateState.Failed, ct, UpdateFailure.Timeout);
            await fixture.Rollouts.WaitForAsync(rollout.Id, r => r.State == RolloutState.Halted, ct);
            using (var resume = await fixture.PostAsync($"/v1/rollouts/{rollout.Id}/resume", string.Empty, ct))
            {
                Assert.All((await resume.ReadAsync(EdgeJsonContext.Default.Rollout, ct)).Devices!.Where(x => x.DeviceId is "ack-a" or "ack-b"), x => Assert.True(x.Acknowledged));
            }

            // The two acknowledged devices recover on the re-sent package; then two others fail: that is new, and over the share.
            await a.StatusAsync(rollout.Id, UpdateState.Applied, ct);
            await b.StatusAsync(rollout.Id, UpdateState.Applied, ct);
            await fixture.Rollouts.WaitForAsync(rollout.Id, r => r.Counts.GetValueOrDefault("Applied") == 2, ct);
            await c.StatusAsync(rollout.Id, UpdateState.Failed, ct, UpdateFailure.SelfTestFailed);
            await d.StatusAsync(rollout.Id, UpdateState.RolledBack, ct, UpdateFailure.HealthWindow);
            var halted = await fixture.Rollouts.WaitForAsync(rollout.Id, r => r.State != RolloutState.Canary, ct);

            Assert.Equal(RolloutState.Halted, halted.State);
            Assert.Contains("ack-c", halted.Reason, StringComparison.Ordinal);
        }
        finally
        {
            foreach (var device in devices)
            {
                await device.DisposeAsync();
            }
        }
    }

    [Fact]
    public async Task Abort_clears_the_desired_package_of_devices_that_have_not_applied_it()
    {
        using var deadline = Deadline.Within(TimeSpan.FromSeconds(60));
        var ct = deadline.Token;
        await using var applied = await fixture.DeviceAsync("abort-a", "abort", ct);
        await using var pending = await fixture.DeviceAsync("abort-b", "abort", ct);
        var rollout = await fixture.CreateAsync(RolloutsFixture.GroupRollout("abort", 100), ct);
        Assert.NotNull(await pending.NextDesiredAsync(ct));
        await applied.StatusAsync(rollout.Id, UpdateState.Applied, ct);
        await fixture.Rollouts.WaitForAsync(rollout.Id, r => r.Counts.GetValueOrDefault("Applied") == 1, ct);

        using var abort = await fixture.PostAsync($"/v1/rollouts/{rollout.Id}/abort", string.Empty, ct);
        var aborted = await abort.ReadAsync(EdgeJsonContext.Default.Rollout, ct);

        Assert.Equal(RolloutState.Aborted, aborted.State);
        Assert.Null(await pending.NextDesiredAsync(ct));
        // The device that applied it keeps its desired package: a fresh subscription still finds it retained.
        await using var appliedAgain = await FakeDevice.ConnectAsync(fixture.Host.MqttPort, "abort-a", ct);
        Assert.Equal(rollout.Id, (await appliedAgain.NextDesiredAsync(ct))!.RolloutId);

        using var twice = await fixture.PostAsync($"/v1/rollouts/{rollout.Id}/abort", string.Empty, ct);
        Assert.Equal(HttpStatusCode.Conflict, twice.StatusCode);
        Assert.Contains("already Aborted", await twice.ProblemDetailAsync(ct), StringComparison.Ordinal);
        using var resume = await fixture.PostAsync($"/v1/rollouts/{rollout.Id}/resume", string.Empty, ct);
        Assert.Equal(HttpStatusCode.Conflict, resume.StatusCode);
        Assert.Contains("only a Halted rollout", await resume.ProblemDetailAsync(ct), StringComparison.Ordinal);
    }
}
