namespace Edge.Cloud.Tests.Rollouts;

using Edge.Cloud.Rollouts;
using Edge.Cloud.Tests.Support;
using Edge.Shared.Updates;
using Xunit;

public sealed class BlockServerTests(RolloutsFixture fixture) : IClassFixture<RolloutsFixture>
{
    [Fact]
    public async Task Invalid_block_requests_are_ignored_and_the_next_valid_one_is_served()
    {
        using var deadline = Deadline.Within(TimeSpan.FromSeconds(60));
        var ct = deadline.Token;
        await using var device = await fixture.DeviceAsync("bad-req", "bad-req", ct);
        await using var stranger = await fixture.DeviceAsync("stranger", null, ct);
        await fixture.CreateAsync(RolloutsFixture.GroupRollout("bad-req", 100), ct);
        var desired = await device.NextDesiredAsync(ct);
        var full = PackageStore.ManifestOf(desired!.Package).Payloads[0];
        var count = BlockFrame.BlockCount(full.Size, desired.BlockSize);
        var refusals = fixture.Host.Service<BlockRefusals>();
        var before = refusals.Total;

        await device.RequestBlocksAsync(new BlockRequest { Payload = new string('a', 64), BlockSize = desired.BlockSize, Blocks = [0] }, ct);
        await device.RequestBlocksAsync(new BlockRequest { Payload = full.Sha256.ToUpperInvariant(), BlockSize = desired.BlockSize, Blocks = [0] }, ct);
        await device.RequestBlocksAsync(new BlockRequest { Payload = full.Sha256, BlockSize = desired.BlockSize, Blocks = [count] }, ct);
        await device.RequestBlocksAsync(new BlockRequest { Payload = full.Sha256, BlockSize = desired.BlockSize, Blocks = [-1] }, ct);
        await device.RequestBlocksAsync(new BlockRequest { Payload = full.Sha256, BlockSize = 1000, Blocks = [0] }, ct);
        await device.RequestBlocksAsync(new BlockRequest { Payload = full.Sha256, BlockSize = 256 * 1024, Blocks = [0] }, ct);
        await device.RequestBlocksAsync(new BlockRequest { Payload = full.Sha256, BlockSize = desired.BlockSize, Blocks = [] }, ct);
        await device.RequestBlocksAsync(new BlockRequest { Payload = full.Sha256, BlockSize = 4096, Blocks = [.. Enumerable.Range(0, 65)] }, ct);
        await device.RequestBlocksAsync("{not json", ct);

        // A device with no package desired may not read another's payload.
        await stranger.RequestBlocksAsync(new BlockRequest { Payload = full.Sha256, BlockSize = desired.BlockSize, Blocks = [0] }, ct);

        await device.RequestBlocksAsync(new BlockRequest { Payload = full.Sha256, BlockSize = desired.BlockSize, Blocks = [count - 1] }, ct);
        var (tag, index, data) = await device.NextFrameAsync(ct);

        Assert.Equal(BlockFrame.PayloadTag(full.Sha256), tag);
        Assert.Equal(count - 1, index);
        Assert.Equal(full.Size - ((long)(count - 1) * desired.BlockSize), data.LongLength);
        Assert.Equal(before + 10, refusals.Total);
    }

    [Fact]
    public async Task Blocks_of_a_smaller_size_than_announced_are_served_when_within_bounds()
    {
        using var deadline = Deadline.Within(TimeSpan.FromSeconds(60));
        var ct = deadline.Token;
        await using var device = await fixture.DeviceAsync("small-blocks", "small-blocks", ct);
        await fixture.CreateAsync(RolloutsFixture.GroupRollout("small-blocks", 100), ct);
        var desired = await device.NextDesiredAsync(ct);
        var full = PackageStore.ManifestOf(desired!.Package).Payloads[0];

        var bytes = await device.DownloadAsync(full, BlockFrame.MinBlockSize, ct);

        Assert.Equal(full.Sha256, Edge.Updates.Sha256Hex.Of(bytes));
    }
}
