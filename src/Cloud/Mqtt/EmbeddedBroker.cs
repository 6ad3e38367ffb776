namespace Edge.Cloud.Mqtt;

using System.Net;
using Microsoft.Extensions.Options;
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

    public MqttServer Server => _server ?? throw new InvalidOperationException("the embedded broker has not started");

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var o = options.Value;
        var factory = new MqttServerFactory();
        var serverOptions = factory.CreateServerOptionsBuilder()
            .WithDefaultEndpoint()
            .WithDefaultEndpointBoundIPAddress(IPAddress.Parse(o.EmbeddedBindAddress))
            .WithDefaultEndpointPort(o.EmbeddedPort)
            .WithPersistentSessions()
            .Build();
        _server = factory.CreateMqttServer(serverOptions);
        authenticator.Attach(_server);
        await _server.StartAsync();
        LogStarted(logger, o.EmbeddedBindAddress, o.EmbeddedPort, o.Devices.Count);
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (_server is { IsStarted: true } server)
        {
            await server.StopAsync(new MqttServerStopOptionsBuilder().Build());
            LogStopped(logger);
        }
    }

    public void Dispose() => _server?.Dispose();

    [LoggerMessage(EventId = 5540, Level = LogLevel.Information, Message = "Embedded MQTT broker listening on {Address}:{Port} (logins required: enrolled devices and {Devices} from Mqtt:Devices)")]
    private static partial void LogStarted(ILogger logger, string address, int port, int devices);

    [LoggerMessage(EventId = 5541, Level = LogLevel.Information, Message = "Embedded MQTT broker stopped")]
    private static partial void LogStopped(ILogger logger);
}
