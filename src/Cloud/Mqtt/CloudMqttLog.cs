namespace Edge.Cloud.Mqtt;

using MQTTnet;

internal static partial class CloudMqttLog
{
    [LoggerMessage(EventId = 5501, Level = LogLevel.Information, Message = "Connected to MQTT broker {Endpoint} as {ClientId}")]
    public static partial void Connected(ILogger logger, string endpoint, string clientId);

    [LoggerMessage(EventId = 5502, Level = LogLevel.Warning, Message = "Disconnected from MQTT broker {Endpoint} ({Reason})")]
    public static partial void Disconnected(ILogger logger, Exception? exception, string endpoint, MqttClientDisconnectReason reason);

    [LoggerMessage(EventId = 5503, Level = LogLevel.Warning, Message = "MQTT connection to {Endpoint} failed; retrying in about {DelayMs} ms")]
    public static partial void ConnectFailed(ILogger logger, Exception exception, string endpoint, int delayMs);

    [LoggerMessage(EventId = 5504, Level = LogLevel.Warning, Message = "MQTT broker {Endpoint} unreachable ({Error}); retrying in about {DelayMs} ms")]
    public static partial void Unreachable(ILogger logger, string endpoint, string error, int delayMs);

    [LoggerMessage(EventId = 5505, Level = LogLevel.Error, Message = "MQTT handler failed on {Topic}")]
    public static partial void HandlerFailed(ILogger logger, Exception exception, string topic);

    [LoggerMessage(EventId = 5506, Level = LogLevel.Error, Message = "A handler of the MQTT Connected event failed")]
    public static partial void ConnectedHandlerFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 5507, Level = LogLevel.Debug, Message = "MQTT disconnect did not complete cleanly")]
    public static partial void DisconnectFailed(ILogger logger, Exception exception);
}
