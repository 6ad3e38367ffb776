namespace Edge.Cloud.Tests.Mqtt;

using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Edge.Cloud.Mqtt;
using Edge.Cloud.Tests.Support;
using Edge.Shared.Tls;
using Edge.TestSupport;
using Edge.TestSupport.Logging;
using Edge.TestSupport.Tls;
using Microsoft.Extensions.Options;
using MQTTnet;
using Serilog.Events;
using Xunit;

/// <summary>The embedded broker's TLS listener (<c>Mqtt:Tls</c>) and its refusal to listen in plain text beyond loopback.</summary>
public sealed class BrokerTlsTests : IDisposable
{
    private readonly TempFolder _folder = new();
    private readonly TestCertificates _certificates;
    private readonly int _tlsPort = FreePort.Next();

    public BrokerTlsTests() => _certificates = TestCertificates.Create(_folder.Path);

    public void Dispose() => _folder.Dispose();

    [Fact]
    public async Task A_client_trusting_the_ca_connects_over_tls_and_the_clouds_own_client_is_connected_too()
    {
        using var deadline = Deadline.Within();
        await using var cloud = await CloudHost.StartAsync(_folder.Path, Tls());

        var code = await MqttProbe.TryConnectAsync(_tlsPort, Trusting(_certificates.CaPath), deadline.Token);

        Assert.Equal(MqttClientConnectResultCode.Success, code);
        Assert.True(cloud.Service<CloudMqttClient>().IsConnected);
        Assert.Equal($"127.0.0.1:{_tlsPort}", cloud.Service<CloudMqttClient>().Endpoint);
    }

    [Fact]
    public async Task A_client_trusting_another_ca_refuses_the_broker()
    {
        using var deadline = Deadline.Within();
        await using var cloud = await CloudHost.StartAsync(_folder.Path, Tls());
        var other = TestCertificates.Create(_folder.Path, "other");

        await Assert.ThrowsAnyAsync<MQTTnet.Exceptions.MqttCommunicationException>(
            () => MqttProbe.TryConnectAsync(_tlsPort, Trusting(other.CaPath), deadline.Token));
    }

    [Fact]
    public async Task With_tls_the_plain_listener_is_off()
    {
        await using var cloud = await CloudHost.StartAsync(_folder.Path, Tls());

        var refused = await Assert.ThrowsAsync<SocketException>(() => ConnectTcpAsync(IPAddress.Loopback, cloud.MqttPort));

        Assert.Equal(SocketError.ConnectionRefused, refused.SocketErrorCode);
    }

    [Fact]
    public async Task Kept_on_loopback_the_plain_listener_serves_local_clients_beside_tls()
    {
        using var deadline = Deadline.Within();
        var settings = Tls();
        settings["Mqtt:EmbeddedBindAddress"] = "0.0.0.0";
        settings["Mqtt:Tls:KeepPlainOnLoopback"] = "true";
        await using var cloud = await CloudHost.StartAsync(_folder.Path, settings);

        await using var plain = await MqttProbe.ConnectAsync(cloud.MqttPort, deadline.Token);
        var tls = await MqttProbe.TryConnectAsync(_tlsPort, Trusting(_certificates.CaPath), deadline.Token);

        Assert.Equal(MqttClientConnectResultCode.Success, tls);
        Assert.Equal($"127.0.0.1:{cloud.MqttPort}", cloud.Service<CloudMqttClient>().Endpoint);
    }

    [Fact]
    public async Task On_loopback_the_broker_takes_no_connections_on_ipv6_any()
    {
        await using var cloud = await CloudHost.StartAsync(_folder.Path);

        await Assert.ThrowsAsync<SocketException>(() => ConnectTcpAsync(IPAddress.IPv6Loopback, cloud.MqttPort));
    }

    [Theory]
    [InlineData("0.0.0.0")]
    [InlineData("::")]
    [InlineData("192.0.2.10")]
    public async Task A_plain_listener_beyond_loopback_stops_the_cloud_at_startup(string address)
    {
        var ex = await Assert.ThrowsAsync<OptionsValidationException>(() => CloudHost.StartAsync(_folder.Path, new Dictionary<string, string?>
        {
            ["Mqtt:EmbeddedBindAddress"] = address,
        }));

        Assert.Contains(ex.Failures, f => f.Contains("without TLS", StringComparison.Ordinal) && f.Contains("Mqtt:AllowInsecure", StringComparison.Ordinal));
    }

    [Fact]
    public async Task The_clouds_client_refuses_plain_text_to_an_external_broker_beyond_loopback()
    {
        var ex = await Assert.ThrowsAsync<OptionsValidationException>(() => CloudHost.StartAsync(_folder.Path, new Dictionary<string, string?>
        {
            ["Mqtt:Embedded"] = "false",
            ["Mqtt:Host"] = "broker.example.com",
        }));

        Assert.Contains(ex.Failures, f => f.Contains("Mqtt:UseTls is false", StringComparison.Ordinal) && f.Contains("Mqtt:AllowInsecure", StringComparison.Ordinal));
    }

    [Fact]
    public async Task With_allow_insecure_a_plain_listener_beyond_loopback_starts_and_says_so_as_a_warning()
    {
        var log = CollectedLog.Create();
        var settings = new Dictionary<string, string?>(log.Settings)
        {
            ["Mqtt:EmbeddedBindAddress"] = "0.0.0.0",
            ["Mqtt:AllowInsecure"] = "true",
        };

        await using var cloud = await CloudHost.StartAsync(_folder.Path, settings);

        Assert.Contains(log.Events, e => e is { Level: LogEventLevel.Warning, EventId: 5543 } && e.Message.Contains("0.0.0.0", StringComparison.Ordinal)
            && e.Message.Contains(cloud.MqttPort.ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_broker_key_that_belongs_to_another_certificate_stops_the_cloud_with_one_sentence()
    {
        var settings = Tls();
        settings["Mqtt:Tls:KeyPath"] = TestCertificates.Create(_folder.Path, "other").ServerKeyPath;

        var ex = await Assert.ThrowsAsync<OptionsValidationException>(() => CloudHost.StartAsync(_folder.Path, settings));

        Assert.Contains("is not the private key of the certificate in Mqtt:Tls:CertificatePath", Assert.Single(ex.Failures), StringComparison.Ordinal);
    }

    private static MqttClientOptionsBuilder Trusting(string caPath)
    {
        var roots = TlsFiles.LoadCertificates(caPath, "ca");
        return new MqttClientOptionsBuilder()
            .WithClientId("probe-" + Guid.NewGuid().ToString("N")[..8])
            .WithCredentials(TestCredentials.CloudUser, TestCredentials.CloudPassword)
            .WithTlsOptions(t => t.UseTls().WithTargetHost("127.0.0.1")
                .WithCertificateValidationHandler(e => CertificateTrust.IsTrusted(e.Certificate, e.Chain, e.SslPolicyErrors, roots, checkName: true)));
    }

    private static async Task ConnectTcpAsync(IPAddress address, int port)
    {
        using var client = new TcpClient(address.AddressFamily);
        await client.ConnectAsync(address, port, TestContext.Current.CancellationToken);
    }

    private Dictionary<string, string?> Tls() => new()
    {
        ["Mqtt:Tls:CertificatePath"] = _certificates.ServerCertificatePath,
        ["Mqtt:Tls:KeyPath"] = _certificates.ServerKeyPath,
        ["Mqtt:Tls:Port"] = _tlsPort.ToString(CultureInfo.InvariantCulture),
    };
}
