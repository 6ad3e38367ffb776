namespace Edge.Agent.Tls;

using Edge.Agent.CloudClient;
using Edge.Agent.Mqtt;
using Microsoft.Extensions.Options;

/// <summary>Warns at start for every link that <c>AllowInsecure</c> let run in plain text beyond loopback.</summary>
internal sealed partial class InsecureLinksLog(
    IOptions<CloudClientOptions> cloud,
    IOptions<MqttOptions> mqtt,
    ILogger<InsecureLinksLog> logger) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        if (cloud.Value.IsInsecure)
        {
            LogInsecureCloud(logger, cloud.Value.BaseUrl);
        }

        if (mqtt.Value.IsInsecure)
        {
            LogInsecureMqtt(logger, mqtt.Value.Host, mqtt.Value.Port);
        }

        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(EventId = 9001, Level = LogLevel.Warning, Message = "Cloud:AllowInsecure is set: the cloud fallback at {BaseUrl} is plain HTTP to another machine; camera payloads cross the network unencrypted")]
    private static partial void LogInsecureCloud(ILogger logger, string baseUrl);

    [LoggerMessage(EventId = 9002, Level = LogLevel.Warning, Message = "Mqtt:AllowInsecure is set: the broker at {Host}:{Port} is reached without TLS; the device's login and configuration cross the network unencrypted")]
    private static partial void LogInsecureMqtt(ILogger logger, string host, int port);
}
