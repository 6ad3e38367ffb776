namespace Edge.Cloud.Tests.HardExamples;

using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using Edge.Cloud.Observability;
using Edge.Cloud.Tests.Support;
using Edge.Shared.HardExamples;
using Edge.Shared.Inference;
using Edge.Shared.Serialization;
using Edge.TestSupport;
using Xunit;

/// <summary>A device's fallback call to <c>/v1/infer</c> stores its sample as a hard example, once per sample id.</summary>
public sealed class InferHardExampleTests(CloudFixture fixture) : IClassFixture<CloudFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private HttpClient Http => fixture.Host.Http;

    private CloudMetrics Metrics => fixture.Host.Service<CloudMetrics>();

    [Fact]
    public async Task A_fallback_call_is_answered_and_its_sample_stored_once_with_edge_and_cloud_labels()
    {
        var device = "ihx-once";
        var sample = HeldOut.Digits[0];
        var body = Encoding.UTF8.GetBytes(Digits.TensorJson(sample));
        var id = Guid.CreateVersion7();

        var answer = await InferAsync(body, Headers(device, id));

        var row = Assert.Single(await ListAsync(device));
        Assert.Equal(id, row.Id);
        Assert.Equal("7", row.EdgeLabel);
        Assert.Equal(0.31, row.EdgeScore);
        Assert.Equal(answer.Label, row.CloudLabel);
        Assert.Equal(answer.Score, row.CloudScore);
        Assert.Equal(answer.Model, row.CloudModel);
        Assert.Equal("cloud-answered", row.Reason);
        Assert.Equal(sample.Label.ToString(CultureInfo.InvariantCulture), row.CloudLabel);
        var exported = await Http.GetStringAsync($"/v1/hard-examples/export?device={device}", Ct);
        Assert.Contains(Convert.ToBase64String(body), exported, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_retried_attempt_with_the_same_sample_id_stores_nothing_twice()
    {
        var device = "ihx-retry";
        var body = Encoding.UTF8.GetBytes(Digits.TensorJson(HeldOut.Digits[1]));
        var id = Guid.CreateVersion7();
        var duplicates = Metrics.InferSamples("duplicate");

        // The first attempt's answer was lost on the way back; the pipeline sends the same request again.
        var first = await InferAsync(body, Headers(device, id));
        var second = await InferAsync(body, Headers(device, id));

        Assert.Equal(first.Label, second.Label);
        Assert.Equal(id, Assert.Single(await ListAsync(device)).Id);
        Assert.True(Metrics.InferSamples("duplicate") > duplicates);
    }

    [Fact]
    public async Task A_sample_stored_by_infer_and_later_uploaded_by_the_outbox_with_the_same_id_stays_one_row()
    {
        var device = "ihx-outbox";
        var body = Encoding.UTF8.GetBytes(Digits.TensorJson(HeldOut.Digits[2]));
        var id = Guid.CreateVersion7();
        await InferAsync(body, Headers(device, id));

        // The answer never reached the device: it answered LocalDegraded and its outbox uploads the sample under the same id.
        var item = new HardExampleItem
        {
            Id = id,
            CreatedAt = DateTimeOffset.UtcNow,
            ContentType = "application/json",
            Payload = body,
            LocalLabel = "7",
            LocalScore = 0.31,
            Reason = "cloud-deadline",
        };
        using var upload = await Http.PostAsJsonAsync(
            "/v1/hard-examples", new HardExampleUpload { DeviceId = device, Items = [item] }, EdgeJsonContext.Default.HardExampleUpload, Ct);
        var ack = await upload.ReadAsync(EdgeJsonContext.Default.HardExampleAck, Ct);

        Assert.Equal([id], ack.Duplicates);
        Assert.Empty(ack.Accepted);
        Assert.Equal(id, Assert.Single(await ListAsync(device)).Id);
    }

    [Fact]
    public async Task An_audit_call_is_stored_once_with_reason_audit_and_a_call_without_a_purpose_is_not_stored()
    {
        var device = "ihx-audit";
        var body = Encoding.UTF8.GetBytes(Digits.TensorJson(HeldOut.Digits[3]));
        var id = Guid.CreateVersion7();
        var audit = Headers(device, id);
        audit["X-Edge-Purpose"] = "audit";

        var answer = await InferAsync(body, audit);
        await InferAsync(body, audit);
        await InferAsync(body, []);

        var row = Assert.Single(await ListAsync(device));
        Assert.Equal(id, row.Id);
        Assert.Equal("audit", row.Reason);
        Assert.Equal(answer.Label, row.CloudLabel);
    }

    [Theory]
    [InlineData("X-Edge-Sample-Id", "not-a-guid")]
    [InlineData("X-Edge-Sample-Id", "00000000-0000-0000-0000-000000000000")]
    [InlineData("X-Edge-Sample-Id", null)]
    [InlineData("X-Edge-Device", "bad id!")]
    [InlineData("X-Edge-Local-Score", "NaN")]
    [InlineData("X-Edge-Local-Label", null)]
    public async Task A_fallback_call_with_malformed_sample_headers_is_answered_not_stored_and_counted(string header, string? value)
    {
        var device = "ihx-malformed";
        var headers = Headers(device, Guid.CreateVersion7());
        headers[header] = value;
        var malformed = Metrics.InferSamples("malformed");

        await InferAsync(Encoding.UTF8.GetBytes(Digits.TensorJson(HeldOut.Digits[4])), headers);

        Assert.Empty(await ListAsync(device));
        Assert.True(Metrics.InferSamples("malformed") > malformed);
        Assert.Contains("edge_cloud_infer_samples_total{result=\"malformed\"}", await Http.GetStringAsync("/metrics", Ct), StringComparison.Ordinal);
    }

    private static Dictionary<string, string?> Headers(string device, Guid id) => new()
    {
        ["X-Edge-Device"] = device,
        ["X-Edge-Purpose"] = "fallback",
        ["X-Edge-Local-Label"] = "7",
        ["X-Edge-Local-Score"] = "0.31",
        ["X-Edge-Sample-Id"] = id.ToString("D"),
    };

    private async Task<CloudAnswer> InferAsync(byte[] body, Dictionary<string, string?> headers)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/infer") { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new("application/json");
        foreach (var (name, value) in headers)
        {
            if (value is not null)
            {
                request.Headers.TryAddWithoutValidation(name, value);
            }
        }

        using var response = await Http.SendAsync(request, Ct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.ReadAsync(EdgeJsonContext.Default.CloudAnswer, Ct);
    }

    private async Task<StoredHardExample[]> ListAsync(string device)
    {
        using var response = await Http.GetAsync($"/v1/hard-examples?device={device}&limit=1000", Ct);
        return await response.ReadAsync(EdgeJsonContext.Default.StoredHardExampleArray, Ct);
    }
}
