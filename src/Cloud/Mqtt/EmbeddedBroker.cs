namespace Edge.Cloud.Mqtt;

using System.Net;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using Edge.Shared.Tls;
using Microsoft.Extensions.Options;
using MQTTnet.Protocol;
using MQTTnet.Server;

/// <summary>
/// The in-process MQTTnet broker used when no external one is configured. It keeps retained messages only in
/// memory, which is why the thresholds feature republishes every stored setting on each connection.
/// Registered before <see cref="CloudMqttClient"/>, so it is listening before the client's first attempt and
/// stops only after the client has disconnected.
/// </summary>
internal sealed partial class EmbeddedBroker(
    IOptions<CloudMqttOptions> options,
    BrokerAuthenticator authenticator,
    ILogger<EmbeddedBroker> logger) : IHostedService, IDisposable
{
    private MqttServer? _server;
    private X509Certificate2? _certificate;

    public MqttServer Server => _server ?? throw new InvalidOperationException("the embedded broker has not started");

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var o = options.Value;
        var factory = new MqttServerFactory();
        var builder = factory.CreateServerOptionsBuilder().WithPersistentSessions().WithoutDefaultEndpoint().WithoutEncryptedEndpoint();
        if (o.PlainListener)
        {
            var (v4, v6) = Bind(o.PlainBindAddress);
            builder.WithDefaultEndpoint().WithDefaultEndpointBoundIPAddress(v4).WithDefaultEndpointBoundIPV6Address(v6).WithDefaultEndpointPort(o.EmbeddedPort);
        }

        if (o.Tls.IsConfigured)
        {
            var (v4, v6) = Bind(o.EmbeddedBindAddress);
            _certificate = TlsFiles.LoadCertificateWithKey(o.Tls.CertificatePath!, o.Tls.KeyPath!, "Mqtt:Tls:CertificatePath", "Mqtt:Tls:KeyPath");
            builder.WithEncryptedEndpoint()
                .WithEncryptedEndpointBoundIPAddress(v4)
                .WithEncryptedEndpointBoundIPV6Address(v6)
                .WithEncryptedEndpointPort(o.Tls.Port)
                .WithEncryptionCertificate(_certificate)
                .WithEncryptionSslProtocol(SslProtocols.Tls12 | SslProtocols.Tls13);
        }

        _server = factory.CreateMqttServer(builder.Build());
        authenticator.Attach(_server);

        await _server.StartAsync();
        var devices = o.Devices.Count;
        if (o.Tls.IsConfigured)
        {
            LogStartedTls(logger, o.EmbeddedBindAddress, o.Tls.Port, o.Tls.CertificatePath!, devices);
        }

        if (o.PlainListener)
        {
            LogStarted(logger, o.PlainBindAddress, o.EmbeddedPort, devices);
        }

        if (o.PlainBeyondLoopback)
        {
            LogInsecure(logger, o.PlainBindAddress, o.EmbeddedPort);
        }
    }

    /// <summary>
    /// The listener's IPv4 and IPv6 addresses. MQTTnet binds both families, with [::] unless told otherwise; left so,
    /// a broker "on 127.0.0.1" would also take connections from the network over IPv6.
    /// </summary>
    private static (IPAddress V4, IPAddress V6) Bind(string address)
    {
        var ip = IPAddress.Parse(address);
        return ip.AddressFamily == AddressFamily.InterNetworkV6
            ? (ip.Equals(IPAddress.IPv6Any) ? IPAddress.Any : IPAddress.None, ip)
            : (ip, ip.Equals(IPAddress.Any) ? IPAddress.IPv6Any : IPAddress.None);
    }

    /// <summary>Ends the connection of the client with this id, if it has one (a device whose credential was withdrawn).</summary>
    public async Task DisconnectAsync(string clientId)
    {
        if (_server is not { IsStarted: true } server)
        {
            return;
        }

        foreach (var client in await server.GetClientsAsync())
        {
            if (string.Equals(client.Id, clientId, StringComparison.Ordinal))
            {
                await client.DisconnectAsync(new MqttServerClientDisconnectOptions
                {
                    ReasonCode = MqttDisconnectReasonCode.NotAuthorized,
                    ReasonString = "the device's credential was withdrawn",
                });
                LogDisconnected(logger, clientId);
            }
        }
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (_server is { IsStarted: true } server)
        {
            await server.StopAsync(new MqttServerStopOptionsBuilder().Build());
            LogStopped(logger);
        }
    }

    public void Dispose()
    {
        _server?.Dispose();
        _certificate?.Dispose();
    }

    [LoggerMessage(EventId = 5540, Level = LogLevel.Information, Message = "Embedded MQTT broker listening on {Address}:{Port} (logins required: enrolled devices and {Devices} from Mqtt:Devices)")]
    private static partial void LogStarted(ILogger logger, string address, int port, int devices);

    [LoggerMessage(EventId = 5542, Level = LogLevel.Information, Message = "Embedded MQTT broker listening with TLS on {Address}:{Port} (certificate {CertificatePath}; logins required: enrolled devices and {Devices} from Mqtt:Devices)")]
    private static partial void LogStartedTls(ILogger logger, string address, int port, string certificatePath, int devices);

    [LoggerMessage(EventId = 5543, Level = LogLevel.Warning, Message = "Mqtt:AllowInsecure is set: the embedded broker listens without TLS on {Address}:{Port}, beyond loopback; logins and configuration cross the network unencrypted")]
    private static partial void LogInsecure(ILogger logger, string address, int port);

    [LoggerMessage(EventId = 5544, Level = LogLevel.Warning, Message = "Disconnected MQTT client {ClientId}: its credential was revoked or rotated")]
    private static partial void LogDisconnected(ILogger logger, string clientId);

    [LoggerMessage(EventId = 5541, Level = LogLevel.Information, Message = "Embedded MQTT broker stopped")]
    private static partial void LogStopped(ILogger logger);
}
