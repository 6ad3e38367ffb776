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
}
