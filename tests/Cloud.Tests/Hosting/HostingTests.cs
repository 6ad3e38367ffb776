namespace Edge.Cloud.Tests.Hosting;

using System.Net;
using System.Text;
using System.Text.Json;
using Edge.Cloud.Tests.Support;
using Edge.TestSupport;
using Microsoft.Extensions.Options;
using Xunit;

public sealed class HostingTests : IDisposable
{
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Fact]
    public async Task Healthz_reports_the_model_and_the_mqtt_connection()
    {
        using var deadline = Deadline.Within();
        await using var cloud = await CloudHost.StartAsync(_folder.Path);

        var response = await cloud.Http.GetAsync("/healthz", deadline.Token);
        using var health = JsonDocument.Parse(await response.Content.ReadAsStringAsync(deadline.Token));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("ok", health.RootElement.GetProperty("status").GetString());
        Assert.Equal("digits-cloud@1.0.0", health.RootElement.GetProperty("model").GetString());
        Assert.True(health.RootElement.GetProperty("mqttConnected").GetBoolean());
    }

    [Fact]
    public async Task Metrics_count_requests_by_status_in_prometheus_text()
    {
        using var deadline = Deadline.Within();
        await using var cloud = await CloudHost.StartAsync(_folder.Path);
        await cloud.Http.PostBytesAsync("/v1/infer", Encoding.UTF8.GetBytes(Digits.TensorJson(HeldOut.Digits[0])), "application/json", deadline.Token);
        await cloud.Http.PostBytesAsync("/v1/infer", Encoding.UTF8.GetBytes("{}"), "application/json", deadline.Token);

        var response = await cloud.Http.GetAsync("/metrics", deadline.Token);
        var text = await response.Content.ReadAsStringAsync(deadline.Token);

        Assert.StartsWith("text/plain", response.Content.Headers.ContentType?.MediaType, StringComparison.Ordinal);
        Assert.Contains("edge_cloud_infer_requests_total{code=\"200\"} 1\n", text, StringComparison.Ordinal);
        Assert.Contains("edge_cloud_infer_requests_total{code=\"400\"} 1\n", text, StringComparison.Ordinal);
        Assert.Contains("edge_cloud_infer_latency_seconds_count 1\n", text, StringComparison.Ordinal);
        Assert.Contains("# TYPE edge_cloud_infer_latency_seconds histogram\n", text, StringComparison.Ordinal);
        Assert.Contains("edge_cloud_infer_latency_seconds_bucket{le=\"+Inf\"} 1\n", text, StringComparison.Ordinal);
        Assert.Contains("edge_cloud_mqtt_connected 1\n", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Without_its_model_the_cloud_still_serves_thresholds_and_answers_503_for_inference()
    {
        using var deadline = Deadline.Within();
        await using var cloud = await CloudHost.StartAsync(_folder.Path, new Dictionary<string, string?> { ["Inference:Manifest"] = "models/missing.manifest.json" });

        var infer = await cloud.Http.PostBytesAsync("/v1/infer", Encoding.UTF8.GetBytes(Digits.TensorJson(HeldOut.Digits[0])), "application/json", deadline.Token);
        var health = await cloud.Http.GetAsync("/healthz", deadline.Token);
        var put = await cloud.Http.PutJsonAsync("/v1/thresholds/groups/still-works", """{"threshold":0.5}""", deadline.Token);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, infer.StatusCode);
        Assert.Contains("missing.manifest.json", await infer.ProblemDetailAsync(deadline.Token), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, health.StatusCode);
        Assert.Equal(HttpStatusCode.OK, put.StatusCode);
    }

    [Theory]
    [InlineData("Mqtt:EmbeddedBindAddress", "not-an-address")]
    [InlineData("Mqtt:EmbeddedPort", "70000")]
    [InlineData("Admission:MaxConcurrency", "0")]
    [InlineData("Inference:MaxBodyBytes", "10")]
    [InlineData("Mqtt:Devices:cam.01", "")]
    [InlineData("Mqtt:Devices:cam 01", "secret")]
    [InlineData("Mqtt:Devices:cam-01", "sha256:abc")]
    public async Task Invalid_options_stop_the_cloud_at_startup(string key, string value)
    {
        var ex = await Assert.ThrowsAsync<OptionsValidationException>(
            () => CloudHost.StartAsync(_folder.Path, new Dictionary<string, string?> { [key] = value }));

        Assert.NotEmpty(ex.Failures);
    }

    [Theory]
    [InlineData("Mqtt:Username", "cam-01", "the cloud's own")]
    public async Task Device_logins_that_cannot_work_stop_the_cloud_at_startup(string key, string value, string expected)
    {
        var ex = await Assert.ThrowsAsync<OptionsValidationException>(() => CloudHost.StartAsync(_folder.Path, new Dictionary<string, string?>
        {
            ["Mqtt:Devices:cam-01"] = "secret",
            [key] = value,
        }));

        Assert.Contains(ex.Failures, f => f.Contains(expected, StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_username_without_a_password_stops_the_cloud_at_startup()
    {
        // Before: the cloud started and logged in with an empty password anyone could repeat.
        var ex = await Assert.ThrowsAsync<OptionsValidationException>(
            () => CloudHost.StartAsync(_folder.Path, new Dictionary<string, string?> { ["Mqtt:Username"] = "edge-cloud", ["Mqtt:Password"] = null }));

        Assert.Contains(ex.Failures, f => f.Contains("Mqtt:Password is not", StringComparison.Ordinal));
    }
}
