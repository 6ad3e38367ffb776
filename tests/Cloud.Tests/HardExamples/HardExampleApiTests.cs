namespace Edge.Cloud.Tests.HardExamples;

using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Edge.Cloud.Tests.Support;
using Edge.Shared.HardExamples;
using Edge.Shared.Serialization;
using Edge.TestSupport;
using Xunit;

public sealed class HardExampleApiTests(CloudFixture fixture) : IClassFixture<CloudFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private HttpClient Http => fixture.Host.Http;

    [Fact]
    public async Task Uploaded_samples_are_stored_labelled_by_the_cloud_model_and_acknowledged()
    {
        var device = "hx-label";
        var samples = HeldOut.Digits.Take(10).ToArray();
        var items = samples.Select(s => Item(Encoding.UTF8.GetBytes(Digits.TensorJson(s)), "application/json")).ToArray();
        items[^1] = Item(Digits.Png(samples[^1]), "image/png");

        var ack = await UploadAsync(device, items);

        Assert.Equal(items.Select(i => i.Id).Order(), ack.Accepted.Order());
        Assert.Empty(ack.Duplicates);
        var stored = await ListAsync(device);
        Assert.Equal(items.Length, stored.Length);
        var cloudRight = 0;
        for (var i = 0; i < samples.Length; i++)
        {
            var row = stored.Single(r => r.Id == items[i].Id);
            Assert.Equal(device, row.DeviceId);
            Assert.Equal("3", row.EdgeLabel);
            Assert.Equal("cloud-unreachable", row.Reason);
            Assert.NotNull(row.CloudModel);
            Assert.Null(row.Payload);
            cloudRight += row.CloudLabel == samples[i].Label.ToString(CultureInfo.InvariantCulture) ? 1 : 0;
        }

        Assert.True(cloudRight >= 9, $"the cloud model labelled {cloudRight}/10 held-out digits right");
    }

    [Fact]
    public async Task The_same_ids_uploaded_twice_are_stored_once_and_reported_as_duplicates()
    {
        var device = "hx-dup";
        var items = HeldOut.Digits.Take(5).Select(s => Item(Encoding.UTF8.GetBytes(Digits.TensorJson(s)), "application/json")).ToArray();
        var first = await UploadAsync(device, items[..3]);
        Assert.Equal(3, first.Accepted.Length);

        // The acknowledgement of the first upload was lost: the device sends those three again with two new ones.
        var second = await UploadAsync(device, items);

        Assert.Equal(items[..3].Select(i => i.Id).Order(), second.Duplicates.Order());
        Assert.Equal(items[3..].Select(i => i.Id).Order(), second.Accepted.Order());
        var stored = await ListAsync(device);
        Assert.Equal(items.Select(i => i.Id).Order(), stored.Select(r => r.Id).Order());
    }

    [Fact]
    public async Task A_payload_the_model_cannot_read_is_stored_with_the_reason_instead_of_a_label()
    {
        var device = "hx-corrupt";
        var item = Item("not a png"u8.ToArray(), "image/png");

        var ack = await UploadAsync(device, [item]);

        Assert.Equal([item.Id], ack.Accepted);
        var row = Assert.Single(await ListAsync(device));
        Assert.Null(row.CloudLabel);
        Assert.False(string.IsNullOrEmpty(row.LabelError));
    }

    [Theory]
    [InlineData("{", "malformed JSON")]
    [InlineData("""{"deviceId":"bad id!","items":[]}""", "deviceId")]
    [InlineData("""{"deviceId":"hx-bad","items":[]}""", "items must be a non-empty array")]
    [InlineData("""{"deviceId":"hx-bad","items":[{"id":"00000000-0000-0000-0000-000000000000","createdAt":"2026-11-25T06:00:00Z","contentType":"application/json","payload":"e30=","localLabel":"3","localScore":0.5,"reason":"x"}]}""", "items[0]: id")]
    [InlineData("""{"deviceId":"hx-bad","items":[{"id":"0193a1b2-0000-7000-8000-000000000001","createdAt":"2026-11-25T06:00:00Z","contentType":"text/plain","payload":"e30=","localLabel":"3","localScore":0.5,"reason":"x"}]}""", "contentType")]
    [InlineData("""{"deviceId":"hx-bad","items":[{"id":"0193a1b2-0000-7000-8000-000000000001","createdAt":"2026-11-25T06:00:00Z","contentType":"application/json","payload":"not base64!","localLabel":"3","localScore":0.5,"reason":"x"}]}""", "payload")]
    [InlineData("""{"deviceId":"hx-bad","items":[{"id":"0193a1b2-0000-7000-8000-000000000001","createdAt":"2026-11-25T06:00:00Z","contentType":"application/json","localLabel":"3","localScore":0.5,"reason":"x"}]}""", "payload must be non-empty")]
    public async Task A_bad_batch_gets_400_saying_what_is_wrong_and_stores_nothing(string body, string expected)
    {
        using var response = await Http.PostBytesAsync("/v1/hard-examples", Encoding.UTF8.GetBytes(body), "application/json", Ct);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains(expected, await response.ProblemDetailAsync(Ct), StringComparison.Ordinal);
        Assert.Empty(await ListAsync("hx-bad"));
    }

    [Fact]
    public async Task A_batch_that_is_not_json_gets_415()
    {
        using var response = await Http.PostBytesAsync("/v1/hard-examples", [1, 2, 3], "application/octet-stream", Ct);

        Assert.Equal(HttpStatusCode.UnsupportedMediaType, response.StatusCode);
    }

    [Fact]
    public async Task The_export_is_json_lines_with_the_payload_and_both_labels()
    {
        var device = "hx-export";
        var payload = Encoding.UTF8.GetBytes(Digits.TensorJson(HeldOut.Digits[0]));
        var items = new[] { Item(payload, "application/json"), Item(payload, "application/json") };
        await UploadAsync(device, items);

        var text = await Http.GetStringAsync($"/v1/hard-examples/export?device={device}", Ct);

        var lines = text.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(2, lines.Length);
        var rows = lines.Select(l => JsonSerializer.Deserialize(l, EdgeJsonContext.Default.StoredHardExample)!).ToArray();
        Assert.Equal(items.Select(i => i.Id), rows.Select(r => r.Id));
        Assert.All(rows, r => Assert.Equal(payload, r.Payload));
        Assert.All(rows, r => Assert.Equal(HeldOut.Digits[0].Label.ToString(CultureInfo.InvariantCulture), r.CloudLabel));
        Assert.All(rows, r => Assert.Equal("3", r.EdgeLabel));
        Assert.Contains("\"payload\":\"", lines[0], StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_list_limit_out_of_range_gets_400()
    {
        using var response = await Http.GetAsync("/v1/hard-examples?limit=0", Ct);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    private static HardExampleItem Item(byte[] payload, string contentType) => new()
    {
        Id = Guid.CreateVersion7(),
        CreatedAt = DateTimeOffset.UtcNow,
        ContentType = contentType,
        Payload = payload,
        LocalLabel = "3",
        LocalScore = 0.42,
        Reason = "cloud-unreachable",
    };

    private async Task<HardExampleAck> UploadAsync(string device, HardExampleItem[] items)
    {
        using var response = await Http.PostAsJsonAsync(
            "/v1/hard-examples", new HardExampleUpload { DeviceId = device, Items = items }, EdgeJsonContext.Default.HardExampleUpload, Ct);
        return await response.ReadAsync(EdgeJsonContext.Default.HardExampleAck, Ct);
    }

    private async Task<StoredHardExample[]> ListAsync(string device)
    {
        using var response = await Http.GetAsync($"/v1/hard-examples?device={device}&limit=1000", Ct);
        return await response.ReadAsync(EdgeJsonContext.Default.StoredHardExampleArray, Ct);
    }
}
