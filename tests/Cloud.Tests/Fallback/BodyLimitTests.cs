namespace Edge.Cloud.Tests.Fallback;

using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Edge.Cloud.Tests.Support;
using Edge.TestSupport;
using Xunit;

public sealed class BodyLimitTests : IDisposable
{
    private const int Limit = 2048;
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Fact]
    public async Task A_body_over_the_limit_gets_413_whether_its_length_is_declared_or_streamed()
    {
        using var deadline = Deadline.Within();
        await using var cloud = await CloudHost.StartAsync(_folder.Path, new Dictionary<string, string?> { ["Inference:MaxBodyBytes"] = $"{Limit}" });
        var oversized = new byte[Limit * 4];

        var declared = await cloud.Http.PostBytesAsync("/v1/infer", oversized, "image/png", deadline.Token);
        using var chunked = new StreamContent(new MemoryStream(oversized)); // no length: sent chunked, so only reading can find out
        chunked.Headers.ContentType = new MediaTypeHeaderValue("image/png");
        var streamed = await cloud.Http.PostAsync("/v1/infer", chunked, deadline.Token);
        var good = await cloud.Http.PostBytesAsync("/v1/infer", Encoding.UTF8.GetBytes(Digits.TensorJson(HeldOut.Digits[3])), "application/json", deadline.Token);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, declared.StatusCode);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, streamed.StatusCode);
        Assert.Contains($"{Limit} bytes", await streamed.ProblemDetailAsync(deadline.Token), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, good.StatusCode);
    }
}
