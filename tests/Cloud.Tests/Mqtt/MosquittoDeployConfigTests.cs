namespace Edge.Cloud.Tests.Mqtt;

using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using Edge.Cloud.Devices;
using Edge.Cloud.Mqtt;
using Edge.Cloud.Tests.Support;
using Edge.Shared.Config;
using Edge.Shared.Mqtt;
using Edge.Shared.Security;
using Edge.Shared.Serialization;
using Edge.TestSupport;
using Edge.Shared.Tls;
using Edge.TestSupport.Mosquitto;
using Edge.TestSupport.Tls;
using MQTTnet;
using Xunit;

/// <summary>
/// The documented <c>deploy/mosquitto</c> configuration on a real Mosquitto, with only the paths and the
/// port changed: the cloud logs in as edge-cloud, devices keep to their own topics.
/// </summary>
public sealed class MosquittoDeployConfigTests : IDisposable
{
    private const string CloudPassword = "cloud-secret";
    private readonly TempFolder _folder = new();
    private readonly TestCertificates _certificates;

    public MosquittoDeployConfigTests() => _certificates = TestCertificates.Create(_folder.Path);

    /// <summary>The deploy file's TLS listener (8883), moved to a free port.</summary>
    private int TlsPort { get; } = FreePort.Next();

    public void Dispose() => _folder.Dispose();

    [Fact]
    public async Task The_deploy_tls_listener_takes_the_cloud_and_devices_that_trust_the_ca_and_refuses_one_trusting_another()
    {
        using var deadline = Deadline.Within(TimeSpan.FromSeconds(60));
        await using var broker = await MosquittoBroker.StartAsync(folder => DeployConfig(folder, deadline.Token), deadline.Token);
        await using var cloud = await CloudHost.StartAsync(_folder.Path, new Dictionary<string, string?>
        {
            ["Mqtt:Embedded"] = "false",
            ["Mqtt:Host"] = MosquittoBroker.Host,
            ["Mqtt:Port"] = TlsPort.ToString(CultureInfo.InvariantCulture),
            ["Mqtt:UseTls"] = "true",
            ["Mqtt:CaCertificatePath"] = _certificates.CaPath,
            ["Mqtt:Username"] = "edge-cloud",
            ["Mqtt:Password"] = CloudPassword,
        });
        var other = TestCertificates.Create(_folder.Path, "other");

        var device = await MqttProbe.TryConnectAsync(TlsPort, Trusting(MqttProbe.DeviceLogin("cam-a", "secret-a"), _certificates.CaPath), deadline.Token);
        await Assert.ThrowsAnyAsync<MQTTnet.Exceptions.MqttCommunicationException>(
            () => MqttProbe.TryConnectAsync(TlsPort, Trusting(MqttProbe.DeviceLogin("cam-a", "secret-a"), other.CaPath), deadline.Token));

        Assert.Equal(MqttClientConnectResultCode.Success, device);
        Assert.True(cloud.Service<CloudMqttClient>().IsConnected);
        Assert.Equal($"{MosquittoBroker.Host}:{TlsPort}", cloud.Service<CloudMqttClient>().Endpoint);
    }

    private static MqttClientOptionsBuilder Trusting(MqttClientOptionsBuilder login, string caPath)
    {
        var roots = TlsFiles.LoadCertificates(caPath, "ca");
        return login.WithTlsOptions(t => t.UseTls().WithTargetHost(MosquittoBroker.Host)
            .WithCertificateValidationHandler(e => CertificateTrust.IsTrusted(e.Certificate, e.Chain, e.SslPolicyErrors, roots, checkName: true)));
    }

    private static string Copy(string file, BrokerFolder folder)
    {
        var target = Path.Combine(folder.Directory, Path.GetFileName(file));
        File.Copy(file, target, overwrite: true);
        return target;
    }

    [Fact]
    public async Task The_deploy_configuration_lets_the_cloud_and_devices_in_and_keeps_devices_to_their_own_topics()
    {
        using var deadline = Deadline.Within(TimeSpan.FromSeconds(60));
        await using var broker = await MosquittoBroker.StartAsync(folder => DeployConfig(folder, deadline.Token), deadline.Token);
        await using var cloud = await CloudHost.StartAsync(_folder.Path, new Dictionary<string, string?>
        {
            ["Mqtt:Embedded"] = "false",
            ["Mqtt:Host"] = MosquittoBroker.Host,
            ["Mqtt:Port"] = broker.Port.ToString(CultureInfo.InvariantCulture),
            ["Mqtt:Username"] = "edge-cloud",
            ["Mqtt:Password"] = CloudPassword,
        });
        await cloud.Http.PutJsonAsync("/v1/thresholds/devices/cam-a", """{"threshold":0.61}""", deadline.Token);
        await cloud.Http.PutJsonAsync("/v1/thresholds/devices/cam-b", """{"threshold":0.62}""", deadline.Token);
        await cloud.Http.PutJsonAsync("/v1/thresholds/groups/line-1", """{"threshold":0.63}""", deadline.Token);

        var anonymous = await MqttProbe.TryConnectAsync(broker.Port, new MqttClientOptionsBuilder().WithClientId("cam-a"), deadline.Token);
        var wrongPassword = await MqttProbe.TryConnectAsync(broker.Port, MqttProbe.DeviceLogin("cam-a", "nope"), deadline.Token);
        await using var device = await MqttProbe.ConnectAsync(broker.Port, MqttProbe.DeviceLogin("cam-a", "secret-a"), deadline.Token);
        // Mosquitto grants these subscriptions and checks the ACL on each message (the embedded broker refuses
        // them instead); either way cam-b's retained config must not arrive before the group's, subscribed last.
        await device.SubscribeAsync(Topics.DeviceDesired("cam-b"), deadline.Token);
        await device.SubscribeAsync("edge/v1/dev/+/config/desired", deadline.Token);
        await device.SubscribeAsync("edge/v1/group/+/config/desired", deadline.Token);
        var (mine, _) = await device.WaitForDesiredAsync(Topics.DeviceDesired("cam-a"), _ => true, deadline.Token);
        var (line, _) = await device.WaitForDesiredAsync(Topics.GroupDesired("line-1"), _ => true, deadline.Token);

        // Published in this order by one client: once cam-a's own report is stored, the spoofed one was handled.
        var store = cloud.Service<ReportedConfigStore>();
        var recorded = store.WaitForAsync("cam-a", _ => true, deadline.Token);
        await device.PublishReportedAsync(new ReportedConfig { DeviceId = "cam-b", Threshold = 0 }, deadline.Token);
        await device.PublishReportedAsync(new ReportedConfig { DeviceId = "cam-a", Threshold = 0.61 }, deadline.Token);
        await recorded;

        Assert.NotEqual(MqttClientConnectResultCode.Success, anonymous);
        Assert.NotEqual(MqttClientConnectResultCode.Success, wrongPassword);
        Assert.DoesNotContain(Topics.DeviceDesired("cam-b"), device.ReceivedTopics);
        Assert.Equal((0.61, 0.63), (mine.Threshold, line.Threshold));
        Assert.Null(await store.GetAsync("cam-b", deadline.Token));
    }

    [Fact]
    public async Task A_device_enrolled_at_the_cloud_logs_in_to_the_deploy_mosquitto_with_its_secret_after_add_device()
    {
        using var deadline = Deadline.Within(TimeSpan.FromSeconds(60));
        await using var cloud = await CloudHost.StartAsync(_folder.Path);
        using var enroll = await cloud.Http.PostAsJsonAsync("/v1/devices/cam-e/enroll", new DeviceEnrollRequest { Group = "line-1" }, EdgeJsonContext.Default.DeviceEnrollRequest, deadline.Token);
        var credentials = await enroll.ReadAsync(EdgeJsonContext.Default.DeviceCredentials, deadline.Token);
        var file = Path.Combine(_folder.Path, "cam-e.credentials.json");
        await File.WriteAllBytesAsync(file, JsonSerializer.SerializeToUtf8Bytes(credentials, EdgeJsonContext.Default.DeviceCredentials), deadline.Token);

        await using var broker = await MosquittoBroker.StartAsync(
            async folder =>
            {
                var config = await DeployConfig(folder, deadline.Token);
                await RunAsync(Path.Combine(RepoPaths.Root, "deploy", "mosquitto", "add-device.sh"), [file, Path.Combine(folder.Directory, "passwd")], deadline.Token);
                return config;
            },
            deadline.Token);
        await using var device = await MqttProbe.ConnectAsync(broker.Port, MqttProbe.DeviceLogin("cam-e", credentials.Secret), deadline.Token);
        var wrongSecret = await MqttProbe.TryConnectAsync(broker.Port, MqttProbe.DeviceLogin("cam-e", "edge_not-it"), deadline.Token);
        var (refused, _) = await RunAsync(Path.Combine(RepoPaths.Root, "deploy", "mosquitto", "add-device.sh"), [Path.Combine(_folder.Path, "missing.json")], deadline.Token, check: false);

        Assert.NotEqual(MqttClientConnectResultCode.Success, wrongSecret);
        Assert.NotEqual(0, refused);
    }

    private static async Task<(int Code, string Output)> RunAsync(string script, string[] args, CancellationToken cancellationToken, bool check = true)
    {
        var start = new System.Diagnostics.ProcessStartInfo("/bin/sh") { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(script);
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        // mosquitto_passwd lives in /usr/bin on Debian; the script calls it by name.
        start.Environment["PATH"] = Path.GetDirectoryName(MosquittoBroker.FindBinary("mosquitto_passwd")) + ":/usr/bin:/bin";
        using var process = System.Diagnostics.Process.Start(start)!;
        var output = await process.StandardOutput.ReadToEndAsync(cancellationToken) + await process.StandardError.ReadToEndAsync(cancellationToken);
        await process.WaitForExitAsync(cancellationToken);
        Assert.True(!check || process.ExitCode == 0, $"{script} failed: {output}");
        return (process.ExitCode, output);
    }

    /// <summary>deploy/mosquitto/mosquitto.conf with this test's port, files and logging; every other line as shipped.</summary>
    private async Task<string> DeployConfig(BrokerFolder folder, CancellationToken cancellationToken)
    {
        var deploy = Path.Combine(RepoPaths.Root, "deploy", "mosquitto");
        var passwords = Path.Combine(folder.Directory, "passwd");
        var acl = Path.Combine(folder.Directory, "aclfile");
        File.Copy(Path.Combine(deploy, "aclfile"), acl);
        await MosquittoFiles.WritePasswordFileAsync(passwords, [("edge-cloud", CloudPassword), ("cam-a", "secret-a"), ("cam-b", "secret-b")], cancellationToken);
        var lines = (await File.ReadAllLinesAsync(Path.Combine(deploy, "mosquitto.conf"), cancellationToken))
            .Select(line => line.Split(' ', 2)[0] switch
            {
                "listener" when line.EndsWith(" 127.0.0.1", StringComparison.Ordinal) => $"listener {folder.Port} {MosquittoBroker.Host}",
                "listener" => $"listener {TlsPort} {MosquittoBroker.Host}",
                "cafile" => $"cafile {Copy(_certificates.CaPath, folder)}",
                "certfile" => $"certfile {Copy(_certificates.ServerCertificatePath, folder)}",
                "keyfile" => $"keyfile {Copy(_certificates.ServerKeyPath, folder)}",
                "password_file" => $"password_file {passwords}",
                "acl_file" => $"acl_file {acl}",
                "persistence" => "persistence false",
                "persistence_location" or "autosave_interval" or "log_dest" or "log_type" or "connection_messages" => string.Empty,
                _ => line,
            });
        return string.Join('\n', lines) + "\n" + MosquittoFiles.LogSettings;
    }
}
