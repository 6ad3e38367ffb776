namespace Edge.Integration.Tests.Tls;

using System.Globalization;
using Edge.Agent.Mqtt;
using Edge.Shared.Inference;
using Edge.TestSupport;
using Edge.TestSupport.Mosquitto;
using Edge.TestSupport.Tls;

/// <summary>
/// A real agent and a real cloud with TLS on both links: HTTPS (with a client certificate) for the fallback, and
/// MQTT over TLS to the embedded broker or to a real Mosquitto; the agent trusts the test CA only.
/// </summary>
public sealed class TlsEndToEndTests : IDisposable
{
    private readonly TempFolder _folder = new();
    private readonly TestCertificates _certificates;

    public TlsEndToEndTests() => _certificates = TestCertificates.Create(_folder.Path, clientName: EdgeStack.DeviceId);

    public void Dispose() => _folder.Dispose();

    [Fact]
    public async Task An_agent_trusting_the_ca_gets_cloud_answers_over_https_and_config_over_mqtt_tls()
    {
        var ct = TestContext.Current.CancellationToken;
        var tlsPort = FreePort.Next();
        await using var stack = await EdgeStack.StartAsync(null, CloudTls(tlsPort), AgentTls(tlsPort, _certificates.CaPath), ct);

        var answer = await stack.InferAsync(HeldOut.Digits[0].Pixels, ct);
        await stack.AgentService<AgentMqttConnection>().WaitUntilConnectedAsync(ct);

        Assert.Equal(Decision.Cloud, answer.Decision);
        Assert.StartsWith("https://", stack.Cloud.Urls.First(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_agent_trusting_another_ca_refuses_the_cloud_and_answers_locally()
    {
        var ct = TestContext.Current.CancellationToken;
        var tlsPort = FreePort.Next();
        var other = TestCertificates.Create(_folder.Path, "other");
        var agent = AgentTls(tlsPort, other.CaPath);
        agent["Cloud:AttemptTimeout"] = "00:00:05";
        agent["Cloud:Deadline"] = "00:00:10";
        await using var stack = await EdgeStack.StartAsync(null, CloudTls(tlsPort), agent, ct);

        var answer = await stack.InferAsync(HeldOut.Digits[0].Pixels, ct);

        Assert.Equal(Decision.LocalDegraded, answer.Decision);
        Assert.False(stack.AgentService<AgentMqttConnection>().IsConnected);
    }

    [Fact]
    public async Task Through_mosquitto_with_a_tls_listener_the_agent_connects_with_the_ca_and_its_certificate()
    {
        var ct = TestContext.Current.CancellationToken;
        var tlsPort = FreePort.Next();
        await using var mosquitto = await MosquittoBroker.StartAsync(
            folder => Task.FromResult(string.Create(CultureInfo.InvariantCulture, $"""
                # The cloud on loopback in plain text, devices over TLS with a certificate (deploy/mosquitto's mTLS variant).
                per_listener_settings true
                persistence false
                listener {folder.Port} {MosquittoBroker.Host}
                allow_anonymous true
                listener {tlsPort} {MosquittoBroker.Host}
                cafile {Copy(_certificates.CaPath, folder)}
                certfile {Copy(_certificates.ServerCertificatePath, folder)}
                keyfile {Copy(_certificates.ServerKeyPath, folder)}
                require_certificate true
                use_identity_as_username true
                allow_anonymous true
                {MosquittoFiles.LogSettings}
                """)),
            ct);
        var cloud = CloudTls(tlsPort);
        foreach (var key in cloud.Keys.Where(k => k.StartsWith("Mqtt:", StringComparison.Ordinal)).ToList())
        {
            cloud.Remove(key);
        }

        await using var stack = await EdgeStack.StartAsync(mosquitto, cloud, AgentTls(tlsPort, _certificates.CaPath), ct);

        var answer = await stack.InferAsync(HeldOut.Digits[0].Pixels, ct);
        await stack.AgentService<AgentMqttConnection>().WaitUntilConnectedAsync(ct);

        Assert.Equal(Decision.Cloud, answer.Decision);
    }

    private static string Copy(string file, BrokerFolder folder)
    {
        var target = Path.Combine(folder.Directory, Path.GetFileName(file));
        File.Copy(file, target);
        return target;
    }

    private Dictionary<string, string?> CloudTls(int mqttTlsPort) => new()
    {
        ["Cloud:Urls"] = $"https://127.0.0.1:{FreePort.Next().ToString(CultureInfo.InvariantCulture)}",
        ["Cloud:Tls:CertificatePath"] = _certificates.ServerCertificatePath,
        ["Cloud:Tls:KeyPath"] = _certificates.ServerKeyPath,
        ["Cloud:Tls:ClientCaPath"] = _certificates.CaPath,
        ["Mqtt:Tls:CertificatePath"] = _certificates.ServerCertificatePath,
        ["Mqtt:Tls:KeyPath"] = _certificates.ServerKeyPath,
        ["Mqtt:Tls:Port"] = mqttTlsPort.ToString(CultureInfo.InvariantCulture),
    };

    private Dictionary<string, string?> AgentTls(int mqttTlsPort, string caPath) => new()
    {
        ["Routing:DefaultThreshold"] = "1.5",
        ["Cloud:CaCertificatePath"] = caPath,
        ["Cloud:ClientCertificatePath"] = _certificates.ClientCertificatePath,
        ["Cloud:ClientKeyPath"] = _certificates.ClientKeyPath,
        ["Mqtt:Port"] = mqttTlsPort.ToString(CultureInfo.InvariantCulture),
        ["Mqtt:UseTls"] = "true",
        ["Mqtt:CaCertificatePath"] = caPath,
        ["Mqtt:ClientCertificatePath"] = _certificates.ClientCertificatePath,
        ["Mqtt:ClientKeyPath"] = _certificates.ClientKeyPath,
    };
}
