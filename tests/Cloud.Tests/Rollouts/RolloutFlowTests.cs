namespace Edge.Cloud.Tests.Rollouts;

using Edge.Cloud.Models;
using Edge.Cloud.Rollouts;
using Edge.Cloud.Tests.Support;
using Edge.Shared.Serialization;
using Edge.Shared.Updates;
using Edge.Updates;
using Edge.TestSupport.Fleet;
using Xunit;

public sealed class RolloutFlowTests(RolloutsFixture fixture) : IClassFixture<RolloutsFixture>
{
    [Fact]
    public async Task A_targeted_device_gets_a_retained_package_signed_by_the_key_the_cloud_publishes()
    {
        using var deadline = Deadline.Within(TimeSpan.FromSeconds(60));
        var ct = deadline.Token;
        await (await fixture.DeviceAsync("sig-1", "sig", ct)).DisposeAsync();
        var rollout = await fixture.CreateAsync(RolloutsFixture.GroupRollout("sig", 100), ct);

        // Subscribing only now: the desired package must still be there, retained.
        await using var device = await FakeDevice.ConnectAsync(fixture.Host.MqttPort, "sig-1", ct);
        var desired = await device.NextDesiredAsync(ct);
        var key = await (await fixture.Host.Http.GetAsync("/v1/keys", ct)).ReadAsync(EdgeJsonContext.Default.SigningKeyInfo, ct);
        var manifest = new TrustedKeys([key.PublicKey]).Verify(desired!.Package);
        var published = await fixture.Host.Service<ModelStore>().ListAsync(RolloutsFixture.Model, ct);

        Assert.Equal(rollout.Id, desired.RolloutId);
        Assert.Equal(RolloutsFixture.BlockSize, desired.BlockSize);
        Assert.Equal(key.KeyId, desired.Package.KeyId);
        Assert.Equal(KeyIds.Of(Convert.FromBase64String(key.PublicKey)), key.KeyId);
        Assert.Equal(RolloutsFixture.Model, manifest.Name);
        Assert.Equal(RolloutsFixture.NewVersion, manifest.Version);
        Assert.Equal(published.Single(p => p.Version == RolloutsFixture.NewVersion).Sha256, manifest.ModelSha256);
        Assert.Equal(PayloadKind.Full, manifest.Payloads[0].Kind);
        Assert.False(manifest.AllowDowngrade);
        Assert.Throws<PackageRejectedException>(() => new TrustedKeys([SigningKey.Generate().PublicKey]).Verify(desired.Package));
    }

    [Fact]
    public async Task Blocks_of_every_payload_join_into_bytes_that_hash_to_the_signed_sha_and_rebuild_the_model()
    {
        using var deadline = Deadline.Within(TimeSpan.FromSeconds(60));
        var ct = deadline.Token;
        await using var device = await fixture.DeviceAsync("blk-1", "blk", ct);
        await fixture.CreateAsync(RolloutsFixture.GroupRollout("blk", 100), ct);
        var desired = await device.NextDesiredAsync(ct);
        var manifest = PackageStore.ManifestOf(desired!.Package);
        var model = await File.ReadAllBytesAsync(fixture.Host.Service<ModelStore>().ModelPath(RolloutsFixture.Model, RolloutsFixture.NewVersion), ct);
        var old = await File.ReadAllBytesAsync(fixture.Host.Service<ModelStore>().ModelPath(RolloutsFixture.Model, RolloutsFixture.OldVersion), ct);

        Assert.True(BlockFrame.BlockCount(manifest.Payloads[0].Size, desired.BlockSize) > 1, "the test needs a payload of several blocks");
        foreach (var payload in manifest.Payloads)
        {
            var bytes = await device.DownloadAsync(payload, desired.BlockSize, ct);
            Assert.Equal(payload.Size, bytes.LongLength);
            Assert.Equal(payload.Sha256, Sha256Hex.Of(bytes));
            Assert.Equal(desired.BlockSize, payload.BlockSize);
            Assert.Equal(PackageBuilder.BlockHashes(bytes, payload.BlockSize), payload.BlockSha256);
            Assert.Equal(model, ModelPayloads.Rebuild(payload, bytes, payload.Kind == PayloadKind.Delta ? old : [], manifest.ModelSize, manifest.ModelSha256));
        }
    }

    [Fact]
    public async Task Canaries_go_first_and_the_rest_follow_once_every_canary_applied()
    {
        using var deadline = Deadline.Within(TimeSpan.FromSeconds(60));
        var ct = deadline.Token;
        var devices = new Dictionary<string, FakeDevice>();
        for (var i = 0; i < 4; i++)
        {
            devices[$"can-{i}"] = await fixture.DeviceAsync($"can-{i}", "can", ct);
        }

        try
        {
            var rollout = await fixture.CreateAsync(RolloutsFixture.GroupRollout("can", 25), ct);
            var canary = Assert.Single(rollout.Devices!, d => d.Phase == RolloutPhase.Canary);
            Assert.Equal(RolloutState.Canary, rollout.State);
            Assert.Equal(4, rollout.Targeted);
            Assert.All(rollout.Devices!, d => Assert.Equal(d.Phase == RolloutPhase.Canary, d.Desired));
            Assert.Equal(rollout.Id, (await devices[canary.DeviceId].NextDesiredAsync(ct))!.RolloutId);

            // A status whose body names another device is dropped; the honest one after it counts.
            var others = devices.Keys.Where(id => id != canary.DeviceId).ToList();
            await devices[others[0]].StatusAsync(rollout.Id, UpdateState.Applied, ct, bodyDeviceId: canary.DeviceId);
            await devices[canary.DeviceId].StatusAsync(rollout.Id, UpdateState.Downloading, ct);
            var downloading = await fixture.Rollouts.WaitForAsync(rollout.Id, r => r.Counts.GetValueOrDefault("Downloading") == 1, ct);
            Assert.Equal(RolloutState.Canary, downloading.State);
            Assert.Equal(3, downloading.Counts["Pending"]);

            await devices[canary.DeviceId].StatusAsync(rollout.Id, UpdateState.Applied, ct);
            var expanding = await fixture.Rollouts.WaitForAsync(rollout.Id, r => r.State != RolloutState.Canary, ct);
            Assert.Equal(RolloutState.Expanding, expanding.State);
            Assert.All(expanding.Devices!, d => Assert.True(d.Desired));
            foreach (var id in others)
            {
                Assert.Equal(rollout.Id, (await devices[id].NextDesiredAsync(ct))!.RolloutId);
                await devices[id].StatusAsync(rollout.Id, UpdateState.Applied, ct);
            }

            var done = await fixture.Rollouts.WaitForAsync(rollout.Id, r => r.State == RolloutState.Completed, ct);
            Assert.Equal(4, done.Counts["Applied"]);
            Assert.Null(done.Reason);
        }
        finally
        {
            foreach (var device in devices.Values)
            {
                await device.DisposeAsync();
            }
        }
    }

    [Fact]
    public async Task A_device_reporting_into_the_scope_later_joins_and_waits_for_the_expansion()
    {
        using var deadline = Deadline.Within(TimeSpan.FromSeconds(60));
        var ct = deadline.Token;
        await using var first = await fixture.DeviceAsync("late-1", "late", ct);
        var rollout = await fixture.CreateAsync(RolloutsFixture.GroupRollout("late", 10), ct);
        await using var late = await fixture.DeviceAsync("late-2", "late", ct);
        var joined = await fixture.Rollouts.WaitForAsync(rollout.Id, r => r.Targeted == 2, ct);

        var row = Assert.Single(joined.Devices!, d => d.DeviceId == "late-2");
        Assert.Equal(RolloutPhase.Main, row.Phase);
        Assert.False(row.Desired);

        await first.StatusAsync(rollout.Id, UpdateState.Applied, ct);
        Assert.Equal(rollout.Id, (await late.NextDesiredAsync(ct))!.RolloutId);
        Assert.Equal(RolloutState.Expanding, (await fixture.Rollouts.WaitForAsync(rollout.Id, r => r.State != RolloutState.Canary, ct)).State);
    }

    [Fact]
    public async Task A_device_scoped_rollout_targets_a_device_that_never_reported()
    {
        using var deadline = Deadline.Within(TimeSpan.FromSeconds(60));
        var ct = deadline.Token;
        var rollout = await fixture.CreateAsync($$"""{"model":"{{RolloutsFixture.Model}}","version":"{{RolloutsFixture.NewVersion}}","scope":"Device","target":"never-seen"}""", ct);
        await using var device = await FakeDevice.ConnectAsync(fixture.Host.MqttPort, "never-seen", ct);

        Assert.Equal("never-seen", Assert.Single(rollout.Devices!).DeviceId);
        Assert.Equal(rollout.Id, (await device.NextDesiredAsync(ct))!.RolloutId);
        Assert.Equal(10, rollout.CanaryPercent);
        Assert.Equal(0.2, rollout.MaxFailureShare);
    }

    [Fact]
    public async Task A_rollout_that_allows_a_rollback_ships_a_package_signed_as_one()
    {
        using var deadline = Deadline.Within(TimeSpan.FromSeconds(60));
        var ct = deadline.Token;
        var rollout = await fixture.CreateAsync(
            $$"""{"model":"{{RolloutsFixture.Model}}","version":"{{RolloutsFixture.OldVersion}}","scope":"Device","target":"rolls-back","allowRollback":true}""", ct);
        await using var device = await FakeDevice.ConnectAsync(fixture.Host.MqttPort, "rolls-back", ct);
        var desired = await device.NextDesiredAsync(ct);
        var key = await (await fixture.Host.Http.GetAsync("/v1/keys", ct)).ReadAsync(EdgeJsonContext.Default.SigningKeyInfo, ct);

        Assert.True(rollout.AllowRollback);
        var manifest = new TrustedKeys([key.PublicKey]).Verify(desired!.Package);
        Assert.Equal((RolloutsFixture.OldVersion, true), (manifest.Version, manifest.AllowDowngrade));
    }
}
