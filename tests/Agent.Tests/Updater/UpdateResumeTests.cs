namespace Edge.Agent.Tests.Updater;

using Edge.Agent.Tests.Support;
using Edge.Shared.Updates;
using Edge.Updates;
using Xunit;

public sealed class UpdateResumeTests : UpdateTestBase
{
    [Fact]
    public async Task A_download_interrupted_by_an_agent_restart_resumes_with_only_the_missing_blocks()
    {
        using var deadline = UpdateEndToEndTests.Deadline();
        var ct = deadline.Token;
        await using var cloud = await TestCloud.StartAsync(Device, ct);
        var package = TestPackages.Build(TestPackages.DigitsV2(), Key);
        cloud.Add(package);
        var total = BlockFrame.BlockCount(package.Payloads[0].Payload.Size, BlockFrame.MinBlockSize);
        const int FirstRun = 40;
        Assert.True(total > FirstRun * 2, $"the payload has only {total} blocks");

        // First run: the cloud answers the first blocks only, then the agent stops mid-download.
        cloud.Serve = index => index < FirstRun;
        await cloud.PublishDesiredAsync(package.Package, ct);
        await using (var first = await TestAgentHost.StartAsync(cloud.Agent(State.FullName, [Key.PublicKey]), ct))
        {
            await Requests.EventuallyAsync(() => first.Reporter.Latest is { State: UpdateState.Downloading, BlocksReceived: FirstRun }, "the first blocks");
        }

        var firstRequests = cloud.Requested.Count;
        cloud.Serve = _ => true;
        await using var second = await TestAgentHost.StartAsync(cloud.Agent(State.FullName, [Key.PublicKey]), ct);
        await cloud.WaitForStateAsync(UpdateState.Applied, TestPackages.V2, ct);

        var secondRun = cloud.Requested.Skip(firstRequests).Distinct().ToList();
        Assert.Equal(total - FirstRun, secondRun.Count);
        Assert.DoesNotContain(secondRun, i => i < FirstRun);
        Assert.Equal(TestPackages.V2, (await second.InferAsync()).ModelVersion);
    }

    [Fact]
    public async Task A_cloud_slower_than_the_block_timeout_allows_for_a_full_window_still_delivers_every_block()
    {
        // The cloud serves requests in order, one frame at a time: with 8 blocks in flight the last of a window waits
        // 8 × 100 ms, over three block timeouts, though a block arrives every 100 ms. Blocks that are queued, not lost,
        // must not be asked for again: duplicates would pile up in the queue ahead of new blocks until the download
        // all but stops (it once got 54 of 131 blocks in a minute this way, and its refusal was never reported).
        using var deadline = UpdateEndToEndTests.Deadline();
        var ct = deadline.Token;
        await using var cloud = await TestCloud.StartAsync(Device, ct);
        cloud.FrameDelay = TimeSpan.FromMilliseconds(100);
        await using var agent = await TestAgentHost.StartAsync(
            cloud.Agent(State.FullName, [Key.PublicKey], new Dictionary<string, string?> { ["Updates:BlockTimeout"] = "00:00:00.250" }), ct);
        const int BlockSize = 16 * 1024;
        var package = TestPackages.Build(TestPackages.DigitsV2(), Key, blockSize: BlockSize);
        cloud.Add(package);
        var total = BlockFrame.BlockCount(package.Payloads[0].Payload.Size, BlockSize);

        await cloud.PublishDesiredAsync(package.Package, ct, BlockSize);
        await cloud.WaitForStateAsync(UpdateState.Applied, TestPackages.V2, ct);

        Assert.Equal(total, cloud.Requested.Distinct().Count());
        Assert.Equal(TestPackages.V2, (await agent.InferAsync()).ModelVersion);
    }
}
