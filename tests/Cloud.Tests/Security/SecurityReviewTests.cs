namespace Edge.Cloud.Tests.Security;

using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Edge.Cloud.Devices;
using Edge.Cloud.Mqtt;
using Edge.Cloud.Security;
using Edge.Cloud.Telemetry;
using Edge.Cloud.Tests.Support;
using Edge.Shared.Config;
using Edge.Shared.Mqtt;
using Edge.Shared.Security;
using Edge.Shared.Serialization;
using Edge.Shared.Telemetry;
using Edge.TestSupport;
using Edge.TestSupport.Logging;
using Microsoft.Extensions.Options;
using MQTTnet;
using Xunit;

/// <summary>
/// Attacks found reviewing the secure-by-default change: each passed as an attack against it and must fail now.
/// </summary>
public sealed class SecurityReviewTests : IDisposable
{
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_cloud_broker_username_without_a_password_is_a_start_up_error()
    {
        // Accepted, anyone could log in to the embedded broker as the cloud, with an empty password and full access.
        Exception? error = null;
        try
        {
            await using var cloud = await CloudHost.StartAsync(_folder.Path, new Dictionary<string, string?> { ["Mqtt:Password"] = null });
        }
        catch (OptionsValidationException e)
        {
            error = e;
        }

        Assert.NotNull(error);
        Assert.Contains("Mqtt:Password", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_kestrel_endpoint_from_configuration_cannot_open_plain_http_beyond_loopback()
    {
        // Kestrel reads Kestrel:Endpoints itself, past Cloud:Urls and its fail-closed check.
        var port = FreePort.Next();
        Exception? error = null;
        try
        {
            await using var cloud = await CloudHost.StartAsync(_folder.Path, new Dictionary<string, string?> { ["Kestrel:Endpoints:Open:Url"] = $"http://0.0.0.0:{port}" });
        }
        catch (Exception e) when (e is OptionsValidationException or InvalidOperationException)
        {
            error = e;
        }

        Assert.NotNull(error);
        Assert.Contains("Kestrel:Endpoints", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_anonymous_mqtt_login_cannot_write_forged_lines_into_the_log()
    {
        var log = CollectedLog.Create();
        await using var cloud = await CloudHost.StartAsync(_folder.Path, new Dictionary<string, string?>(log.Settings));
        const string Forged = "nobody\n[05:00:00 INF] Device cam-1 reports threshold 0.5";

        var refused = await MqttProbe.TryConnectAsync(
            cloud.MqttPort, new MqttClientOptionsBuilder().WithClientId("c\r\nforged").WithCredentials(Forged, "x"), Ct);

        Assert.Equal(MqttClientConnectResultCode.BadUserNameOrPassword, refused);
        var line = Assert.Single(log.Events, e => e.EventId == 5520).Message;
        Assert.DoesNotContain('\n', line);
        Assert.DoesNotContain('\r', line);
    }

    [Fact]
    public async Task A_device_named_like_the_clouds_broker_login_gets_no_credential_and_no_login()
    {
        await using var cloud = await CloudHost.StartAsync(_folder.Path);
        var clientId = cloud.Service<IOptions<CloudMqttOptions>>().Value.ClientId;

        using var asUsername = await EnrollAsync(cloud, TestCredentials.CloudUser, "line-1");
        using var asClientId = await EnrollAsync(cloud, clientId, "line-1");

        // An enrolment made anyway (an older cloud, the database edited): the broker still refuses the name.
        var planted = await cloud.Service<DeviceEnrollments>().EnrollAsync(TestCredentials.CloudUser, "line-1", "test", Ct);
        var login = await MqttProbe.TryConnectAsync(cloud.MqttPort, MqttProbe.DeviceLogin(TestCredentials.CloudUser, planted.Secret), Ct);

        Assert.Equal(HttpStatusCode.BadRequest, asUsername.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, asClientId.StatusCode);
        Assert.NotEqual(MqttClientConnectResultCode.Success, login);
    }

    [Fact]
    public async Task Revoking_or_rotating_a_device_ends_its_open_broker_session()
    {
        await using var cloud = await CloudHost.StartAsync(_folder.Path);
        var first = await (await EnrollAsync(cloud, "cam-r", "line-1")).ReadAsync(EdgeJsonContext.Default.DeviceCredentials, Ct);
        await using var revoked = await MqttProbe.ConnectAsync(cloud.MqttPort, MqttProbe.DeviceLogin("cam-r", first.Secret), Ct);
        (await cloud.Http.PostAsync("/v1/devices/cam-r/revoke", null, Ct)).EnsureSuccessStatusCode();
        var revokedStillConnected = await StaysConnectedAsync(revoked);

        var second = await (await EnrollAsync(cloud, "cam-r", "line-1")).ReadAsync(EdgeJsonContext.Default.DeviceCredentials, Ct);
        await using var rotated = await MqttProbe.ConnectAsync(cloud.MqttPort, MqttProbe.DeviceLogin("cam-r", second.Secret), Ct);
        using var rotate = await EnrollAsync(cloud, "cam-r", "line-1");
        rotate.EnsureSuccessStatusCode();
        var rotatedStillConnected = await StaysConnectedAsync(rotated);

        Assert.False(revokedStillConnected, "a revoked device kept publishing on its open session");
        Assert.False(rotatedStillConnected, "a device kept its session after its secret was rotated");
    }

    [Fact]
    public async Task A_device_cannot_report_or_count_itself_in_a_group_other_than_its_enrolment()
    {
        await using var cloud = await CloudHost.StartAsync(_folder.Path);
        var credentials = await (await EnrollAsync(cloud, "cam-g", "line-1")).ReadAsync(EdgeJsonContext.Default.DeviceCredentials, Ct);
        await using var device = await MqttProbe.ConnectAsync(cloud.MqttPort, MqttProbe.DeviceLogin("cam-g", credentials.Secret), Ct);
        var added = new TaskCompletionSource<TelemetryWindow>(TaskCreationOptions.RunContinuationsAsynchronously);
        cloud.Service<TelemetryAggregator>().Added += w => added.TrySetResult(w);
        var bins = new long[ScoreBins.Count];
        bins[95] = 10;
        var window = new TelemetryWindow
        {
            Id = Guid.CreateVersion7(), DeviceId = "cam-g", Group = "line-2", Start = DateTimeOffset.UtcNow.AddSeconds(-10),
            End = DateTimeOffset.UtcNow, Requests = 10, Local = 10, Scores = bins, Threshold = 0.8,
        };

        await device.PublishReportedAsync(new ReportedConfig { DeviceId = "cam-g", Group = "line-2", Threshold = 0.6 }, Ct);
        await device.PublishAsync(Topics.Telemetry("cam-g"), JsonSerializer.Serialize(window, EdgeJsonContext.Default.TelemetryWindow), retain: false, Ct);
        using var wait = Deadline.Within(TimeSpan.FromSeconds(3));
        var reported = await cloud.Service<ReportedConfigStore>().WaitForAsync("cam-g", r => r.Group == "line-2", wait.Token)
            .ContinueWith(t => t.IsCompletedSuccessfully, TaskScheduler.Default);
        var counted = await added.Task.WaitAsync(Ct);

        Assert.False(reported, "the cloud recorded cam-g (enrolled in line-1) in the group line-2 its own report claimed");
        Assert.Equal("line-1", counted.Group);
    }

    [Fact]
    public async Task A_viewer_token_cannot_store_hard_examples_in_a_devices_name_through_infer()
    {
        await using var cloud = await CloudHost.StartAsync(_folder.Path);
        using var viewer = TestCredentials.Client(cloud.Http.BaseAddress!, EdgeRoles.Viewer);
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/infer")
        {
            Content = new StringContent(Digits.TensorJson(HeldOut.Digits[0]), Encoding.UTF8, "application/json"),
        };
        request.Headers.Add("X-Edge-Device", "victim-cam");
        request.Headers.Add("X-Edge-Purpose", "fallback");
        request.Headers.Add("X-Edge-Local-Label", "7");
        request.Headers.Add("X-Edge-Local-Score", "0.31");
        request.Headers.Add("X-Edge-Sample-Id", Guid.CreateVersion7().ToString("D"));

        using var answer = await viewer.SendAsync(request, Ct);
        var stored = await (await cloud.Http.GetAsync("/v1/hard-examples?device=victim-cam", Ct)).ReadAsync(EdgeJsonContext.Default.StoredHardExampleArray, Ct);

        Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
        Assert.Empty(stored);
    }

    [Theory]
    [InlineData("edge/v1/dev/cam-a/config/reported", true)]
    [InlineData("edge/v1/dev/cam-a/telemetry", true)]
    [InlineData("edge/v1/dev/cam-a/model/status", true)]
    [InlineData("edge/v1/dev/cam-a/model/blocks/get", true)]
    [InlineData("edge/v1/dev/cam-a/config/desired", false)]
    [InlineData("edge/v1/dev/cam-a/model/desired", false)]
    [InlineData("edge/v1/dev/cam-a/model/blocks", false)]
    [InlineData("edge/v1/dev/cam-a/anything", false)]
    public void A_device_writes_only_its_device_to_cloud_topics(string topic, bool allowed) =>
        Assert.Equal(allowed, BrokerAccess.CanPublish("cam-a", topic));

    [Fact]
    public async Task A_device_credential_cannot_write_the_clouds_topics_for_that_device()
    {
        await using var cloud = await CloudHost.StartAsync(_folder.Path);
        var credentials = await (await EnrollAsync(cloud, "cam-d", "line-1")).ReadAsync(EdgeJsonContext.Default.DeviceCredentials, Ct);
        await using var stolen = await MqttProbe.ConnectAsync(cloud.MqttPort, MqttProbe.DeviceLogin("cam-d", credentials.Secret), Ct);
        var forged = "{\"version\":" + long.MaxValue + ",\"scope\":\"Device\",\"target\":\"cam-d\",\"threshold\":0}";

        var pinned = await stolen.PublishAsync(Topics.DeviceDesired("cam-d"), forged, retain: true, Ct);
        var offer = await stolen.PublishAsync(Topics.ModelDesired("cam-d"), "{}", retain: true, Ct);
        var own = await stolen.PublishReportedAsync(new ReportedConfig { DeviceId = "cam-d", Group = "line-1", Threshold = 0.5 }, Ct);

        Assert.Equal(MqttClientPublishReasonCode.NotAuthorized, pinned.ReasonCode);
        Assert.Equal(MqttClientPublishReasonCode.NotAuthorized, offer.ReasonCode);
        Assert.True(own.IsSuccess);
    }

    private static Task<HttpResponseMessage> EnrollAsync(CloudHost cloud, string deviceId, string group) =>
        cloud.Http.PostAsJsonAsync($"/v1/devices/{deviceId}/enroll", new DeviceEnrollRequest { Group = group }, EdgeJsonContext.Default.DeviceEnrollRequest, Ct);

    /// <summary>
    /// Whether the session outlives its credential: the broker's disconnect is awaited as an event, bounded generously
    /// so that a session the broker never ends fails the test instead of hanging it.
    /// </summary>
    private static async Task<bool> StaysConnectedAsync(MqttProbe probe)
    {
        try
        {
            await probe.Disconnected.WaitAsync(TimeSpan.FromSeconds(30), Ct);
            return false;
        }
        catch (TimeoutException)
        {
            return true;
        }
    }
}
