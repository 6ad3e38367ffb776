namespace Edge.Cloud.Mqtt;

using MQTTnet;
using MQTTnet.Formatter;

internal static class CloudMqttClientOptionsFactory
{
    /// <summary>
    /// MQTT 5 with a clean start: unlike a device, the cloud needs no persistent session, because every
    /// subscription delivers the retained state again on connect.
    /// </summary>
    public static MqttClientOptions Create(CloudMqttOptions options, CloudCredentials credentials)
    {
        var (host, port) = options.ClientEndpoint;
        var builder = new MqttClientOptionsBuilder()
            .WithTcpServer(host, port)
            .WithClientId(options.ClientId)
            .WithProtocolVersion(MqttProtocolVersion.V500)
            .WithCleanStart(true)
            .WithKeepAlivePeriod(TimeSpan.FromSeconds(options.KeepAliveSeconds))
            .WithTimeout(TimeSpan.FromSeconds(10));
        if (credentials.Username is { } username)
        {
            builder.WithCredentials(username, credentials.Password);
        }

        return builder.Build();
    }
}
