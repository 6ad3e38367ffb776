namespace Edge.Cloud.Tests.Security;

using System.Net;
using System.Net.Http.Json;
using System.Text;
using Edge.Cloud.Tests.Support;
using Edge.Shared.Security;
using Edge.Shared.Serialization;
using Edge.TestSupport;
using MQTTnet;
using Xunit;

/// <summary>
/// The attacks of the secure-by-default issue, each of which worked against an open cloud: anonymous writes, reading
/// every retained MQTT message, a device speaking for another; and the credentials that replace them.
/// </summary>
public sealed class CredentialTests : IDisposable
{
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_first_start_writes_an_owner_only_admin_token_that_works_and_anonymous_writes_are_401()
    {
        // No provisioned tokens: the cloud as a fresh install runs it.
        await using var cloud = await CloudHost.StartAsync(_folder.Path, provisionTokens: false);
        var file = Path.Combine(_folder.Path, "admin-token");
        using var anonymous = new HttpClient { BaseAddress = cloud.Http.BaseAddress };
        using var admin = new HttpClient { BaseAddress = cloud.Http.BaseAddress };
        admin.DefaultRequestHeaders.Authorization = new("Bearer", (await File.ReadAllTextAsync(file, Ct)).Trim());

        using var anonymousPublish = await anonymous.PostAsync("/v1/models/digits-edge/6.6.6", new ByteArrayContent([1]), Ct);
        using var anonymousRollout = await anonymous.PostAsync("/v1/rollouts", new StringContent("{}", Encoding.UTF8, "application/json"), Ct);
        using var anonymousExport = await anonymous.GetAsync("/v1/hard-examples/export", Ct);
        using var asAdmin = await admin.GetAsync("/v1/tokens", Ct);

        Assert.True(OperatingSystem.IsWindows() || File.GetUnixFileMode(file) == (UnixFileMode.UserRead | UnixFileMode.UserWrite), "the admin token file is 0600");
        Assert.Equal(HttpStatusCode.Unauthorized, anonymousPublish.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, anonymousRollout.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, anonymousExport.StatusCode);
        Assert.Equal(HttpStatusCode.OK, asAdmin.StatusCode);
    }

    [Fact]
    public async Task A_created_token_carries_its_role_and_stops_working_once_revoked()
    {
        await using var cloud = await CloudHost.StartAsync(_folder.Path);
        using var create = await cloud.Http.PostAsJsonAsync("/v1/tokens", new ApiTokenRequest { Name = "dana", Role = EdgeRoles.Viewer }, EdgeJsonContext.Default.ApiTokenRequest, Ct);
        var created = await create.ReadAsync(EdgeJsonContext.Default.CreatedApiToken, Ct);
        using var dana = new HttpClient { BaseAddress = cloud.Http.BaseAddress };
        dana.DefaultRequestHeaders.Authorization = new("Bearer", created.Token);

        using var read = await dana.GetAsync("/v1/thresholds", Ct);
        using var write = await dana.PutJsonAsync("/v1/thresholds/fleet", """{"threshold":0.9}""", Ct);
        var listed = await (await cloud.Http.GetAsync("/v1/tokens", Ct)).ReadAsync(EdgeJsonContext.Default.ApiTokenInfoArray, Ct);
        (await cloud.Http.DeleteAsync($"/v1/tokens/{created.Info.Id}", Ct)).EnsureSuccessStatusCode();
        using var afterRevoke = await dana.GetAsync("/v1/thresholds", Ct);

        Assert.Equal(HttpStatusCode.OK, read.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, write.StatusCode);
        Assert.Contains(listed, t => t.Id == created.Info.Id && t.Role == EdgeRoles.Viewer && t.CreatedBy == "test-admin");
        Assert.DoesNotContain(created.Token, await (await cloud.Http.GetAsync("/v1/tokens", Ct)).Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Unauthorized, afterRevoke.StatusCode);
    }

    [Theory]
    [InlineData("controller", "reserved")]
    [InlineData("x\ny", "may only")]
    public async Task A_token_name_the_audit_could_not_tell_apart_is_refused(string name, string expected)
    {
        await using var cloud = await CloudHost.StartAsync(_folder.Path);

        using var response = await cloud.Http.PostAsJsonAsync("/v1/tokens", new ApiTokenRequest { Name = name, Role = EdgeRoles.Operator }, EdgeJsonContext.Default.ApiTokenRequest, Ct);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains(expected, await response.ProblemDetailAsync(Ct), StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_anonymous_health_probe_gets_the_status_but_not_the_brokers_address()
    {
        await using var cloud = await CloudHost.StartAsync(_folder.Path);
        using var anonymous = new HttpClient { BaseAddress = cloud.Http.BaseAddress };

        var probe = await anonymous.GetStringAsync("/healthz", Ct);
        var asOperator = await cloud.Http.GetStringAsync("/healthz", Ct);

        Assert.Contains("\"status\":\"ok\"", probe, StringComparison.Ordinal);
        Assert.DoesNotContain("mqttEndpoint", probe, StringComparison.Ordinal);
        Assert.Contains("mqttEndpoint", asOperator, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_embedded_broker_refuses_an_anonymous_client_by_default()
    {
        await using var cloud = await CloudHost.StartAsync(_folder.Path);

        var anonymous = await MqttProbe.TryConnectAsync(cloud.MqttPort, new MqttClientOptionsBuilder().WithClientId("reader"), Ct);

        Assert.Equal(MqttClientConnectResultCode.BadUserNameOrPassword, anonymous);
    }

    [Fact]
    public async Task An_enrolled_device_logs_in_with_its_secret_speaks_only_for_itself_and_is_locked_out_once_revoked()
    {
        await using var cloud = await CloudHost.StartAsync(_folder.Path);
        using var enroll = await cloud.Http.PostAsJsonAsync("/v1/devices/cam-7/enroll", new DeviceEnrollRequest { Group = "gate" }, EdgeJsonContext.Default.DeviceEnrollRequest, Ct);
        var credentials = await enroll.ReadAsync(EdgeJsonContext.Default.DeviceCredentials, Ct);
        using var device = new HttpClient { BaseAddress = cloud.Http.BaseAddress };
        device.DefaultRequestHeaders.Authorization = new("Bearer", credentials.Secret);

        await using (var login = await MqttProbe.ConnectAsync(cloud.MqttPort, MqttProbe.DeviceLogin("cam-7", credentials.Secret), Ct))
        {
            Assert.Equal("gate", credentials.Group);
        }

        using var asOther = await PostInferAsync(device, "cam-8");
        using var asItself = await PostInferAsync(device, "cam-7");
        using var uploadForOther = await device.PostAsync("/v1/hard-examples", new StringContent("""{"deviceId":"cam-8","items":[]}""", Encoding.UTF8, "application/json"), Ct);
        using var readThresholds = await device.GetAsync("/v1/thresholds", Ct);
        (await cloud.Http.PostAsync("/v1/devices/cam-7/revoke", null, Ct)).EnsureSuccessStatusCode();
        var afterRevoke = await MqttProbe.TryConnectAsync(cloud.MqttPort, MqttProbe.DeviceLogin("cam-7", credentials.Secret), Ct);
        using var inferAfterRevoke = await PostInferAsync(device, "cam-7");

        Assert.Equal(HttpStatusCode.Forbidden, asOther.StatusCode);
        Assert.Contains("speaks only for itself", await asOther.ProblemDetailAsync(Ct), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, asItself.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, uploadForOther.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, readThresholds.StatusCode);
        Assert.Equal(MqttClientConnectResultCode.BadUserNameOrPassword, afterRevoke);
        Assert.Equal(HttpStatusCode.Unauthorized, inferAfterRevoke.StatusCode);
    }

    [Fact]
    public async Task An_enrolled_device_cannot_move_itself_into_another_group_by_reporting_one()
    {
        await using var cloud = await CloudHost.StartAsync(_folder.Path);
        using var enroll = await cloud.Http.PostAsJsonAsync("/v1/devices/cam-g/enroll", new DeviceEnrollRequest { Group = "gate" }, EdgeJsonContext.Default.DeviceEnrollRequest, Ct);
        var credentials = await enroll.ReadAsync(EdgeJsonContext.Default.DeviceCredentials, Ct);
        await using var device = await MqttProbe.ConnectAsync(cloud.MqttPort, MqttProbe.DeviceLogin("cam-g", credentials.Secret), Ct);
        var store = cloud.Service<Edge.Cloud.Devices.ReportedConfigStore>();
        var recorded = store.WaitForAsync("cam-g", _ => true, Ct);

        await device.PublishReportedAsync(new Edge.Shared.Config.ReportedConfig { DeviceId = "cam-g", Group = "vip-line", Threshold = 0.5 }, Ct);

        Assert.Equal("gate", (await recorded).Group);
    }

    private static Task<HttpResponseMessage> PostInferAsync(HttpClient client, string deviceHeader)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/v1/infer")
        {
            Content = new StringContent(Digits.TensorJson(HeldOut.Digits[0]), Encoding.UTF8, "application/json"),
        };
        request.Headers.Add("X-Edge-Device", deviceHeader);
        return client.SendAsync(request, Ct);
    }
}
