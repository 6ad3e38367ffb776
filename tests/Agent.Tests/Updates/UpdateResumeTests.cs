namespace Edge.Agent.Tests.Updates;

using Edge.Agent.Tests.Support;
using Edge.Shared.Updates;
using Edge.Updates;
using Xunit;

public sealed class UpdateResumeTests : IDisposable
{
    private readonly string _device = "dev-" + Guid.NewGuid().ToString("N")[..8];
    private readonly DirectoryInfo _state = Directory.CreateTempSubdirectory("edge-ota-");
    private readonly SigningKey _key = SigningKey.Generate();

    public void Dispose()
    {
        _key.Dispose();
        _state.Delete(recursive: true);
    }

    [Fact]
    public async Task A_download_interrupted_by_an_agent_restart_resumes_with_only_the_missing_blocks()
    {
        using var deadline = UpdateEndToEndTests.Deadline();
        var ct = deadline.Token;
        await using var cloud = await TestCloud.StartAsync(_device, ct);
        var package = TestPackages.Build(TestPackages.DigitsV2(), _key);
        cloud.Add(package);
        var total = BlockFrame.BlockCount(package.Payloads[0].Payload.Size, BlockFrame.MinBlockSize);
        const int FirstRun = 40;
        Assert.True(total > FirstRun * 2, $"the payload has only {total} blocks");

        // First run: the cloud answers the first blocks only, then the agent stops mid-download.
        cloud.Serve = index => index < FirstRun;
        await cloud.PublishDesiredAsync(package.Package, ct);
        await using (var first = await UpdateAgent.StartAsync(cloud, _state.FullName, [_key.PublicKey], ct))
        {
            await Requests.EventuallyAsync(() => first.Reporter.Latest is { State: UpdateState.Downloading, BlocksReceived: FirstRun }, "the first blocks");
        }

        var firstRequests = cloud.Requested.Count;
        cloud.Serve = _ => true;
        await using var second = await UpdateAgent.StartAsync(cloud, _state.FullName, [_key.PublicKey], ct);
        await cloud.WaitForStateAsync(UpdateState.Applied, TestPackages.V2, ct);

        var secondRun = cloud.Requested.Skip(firstRequests).Distinct().ToList();
        Assert.Equal(total - FirstRun, secondRun.Count);
        Assert.DoesNotContain(secondRun, i => i < FirstRun);
        Assert.Equal(TestPackages.V2, (await second.InferAsync()).ModelVersion);
    }
}
