namespace Edge.Cloud.Tests.HardExamples;

using System.Net;
using System.Net.Http.Json;
using Edge.Cloud.Tests.Support;
using Edge.Shared.HardExamples;
using Edge.Shared.Serialization;
using Edge.TestSupport;
using Xunit;

public sealed class HardExampleLimitTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task An_oversized_upload_gets_413_and_a_batch_with_too_many_items_too()
    {
        using var folder = new TempFolder();
        await using var host = await CloudHost.StartAsync(
            folder.Path,
            new Dictionary<string, string?> { ["HardExamples:MaxBatchBytes"] = "4096", ["HardExamples:MaxBatchItems"] = "2" },
            waitForMqtt: false);
        var small = Enumerable.Range(0, 3).Select(_ => Item(new byte[16])).ToArray();
        var big = new[] { Item(new byte[8192]) };

        using var tooMany = await Upload(host, small);
        using var tooBig = await Upload(host, big);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, tooMany.StatusCode);
        Assert.Contains("at most 2 items", await tooMany.ProblemDetailAsync(Ct), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, tooBig.StatusCode);
    }

    private static Task<HttpResponseMessage> Upload(CloudHost host, HardExampleItem[] items) =>
        host.Http.PostAsJsonAsync("/v1/hard-examples", new HardExampleUpload { DeviceId = "hx-limits", Items = items }, EdgeJsonContext.Default.HardExampleUpload, Ct);

    private static HardExampleItem Item(byte[] payload) => new()
    {
        Id = Guid.CreateVersion7(),
        CreatedAt = DateTimeOffset.UtcNow,
        ContentType = "application/json",
        Payload = payload,
        LocalLabel = "1",
        LocalScore = 0.5,
        Reason = "cloud-deadline",
    };
}
