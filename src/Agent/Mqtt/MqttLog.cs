namespace Edge.Agent.Mqtt;

using MQTTnet;

internal static partial class MqttLog
{
    [LoggerMessage(EventId = 5000, Level = LogLevel.Information, Message = "MQTT disabled (Mqtt:Enabled=false): the agent runs without a broker")]
    public static partial void Disabled(this ILogger logger);

    [LoggerMessage(EventId = 5001, Level = LogLevel.Information, Message = "MQTT connected to {Host}:{Port} as {ClientId} (session present: {SessionPresent})")]
    public static partial void Connected(this ILogger logger, string host, int port, string clientId, bool sessionPresent);

    [LoggerMessage(EventId = 5002, Level = LogLevel.Warning, Message = "MQTT disconnected from {Host}:{Port}: {Reason} {Detail}")]
    public static partial void Disconnected(this ILogger logger, string host, int port, MqttClientDisconnectReason reason, string? detail);

    [LoggerMessage(EventId = 5003, Level = LogLevel.Warning, Message = "MQTT connect to {Host}:{Port} failed (attempt {Attempt}): {Error}")]
    public static partial void ConnectFailed(this ILogger logger, string host, int port, int attempt, string error);

    [LoggerMessage(EventId = 5014, Level = LogLevel.Error, Message = "MQTT connect to {Host}:{Port} failed unexpectedly (attempt {Attempt})")]
    public static partial void ConnectFailedUnexpectedly(this ILogger logger, Exception exception, string host, int port, int attempt);

    [LoggerMessage(EventId = 5015, Level = LogLevel.Debug, Message = "MQTT disconnect after a failed attempt did not complete: {Error}")]
    public static partial void DropFailed(this ILogger logger, string error);

    [LoggerMessage(EventId = 5004, Level = LogLevel.Debug, Message = "MQTT reconnecting in {Delay} (attempt {Attempt}, ceiling {Ceiling})")]
    public static partial void Backoff(this ILogger logger, TimeSpan delay, int attempt, TimeSpan ceiling);

    [LoggerMessage(EventId = 5005, Level = LogLevel.Information, Message = "MQTT subscribed to {Filters}")]
    public static partial void Subscribed(this ILogger logger, IReadOnlyList<string> filters);

    [LoggerMessage(EventId = 5006, Level = LogLevel.Error, Message = "MQTT broker refused subscription {Filter}: {Code}")]
    public static partial void SubscriptionRefused(this ILogger logger, string filter, MqttClientSubscribeResultCode code);

    [LoggerMessage(EventId = 5007, Level = LogLevel.Warning, Message = "MQTT subscribe to {Filter} failed; retried on the next connect")]
    public static partial void SubscribeFailed(this ILogger logger, Exception exception, string filter);

    [LoggerMessage(EventId = 5008, Level = LogLevel.Error, Message = "MQTT handler for {Topic} failed")]
    public static partial void HandlerFailed(this ILogger logger, Exception exception, string topic);

    [LoggerMessage(EventId = 5009, Level = LogLevel.Debug, Message = "MQTT message on {Topic} matches no handler")]
    public static partial void Unrouted(this ILogger logger, string topic);

    [LoggerMessage(EventId = 5010, Level = LogLevel.Debug, Message = "MQTT publish to {Topic} skipped: not connected")]
    public static partial void PublishSkipped(this ILogger logger, string topic);

    [LoggerMessage(EventId = 5011, Level = LogLevel.Warning, Message = "MQTT publish to {Topic} failed: {Reason}")]
    public static partial void PublishFailed(this ILogger logger, string topic, string reason);

    [LoggerMessage(EventId = 5016, Level = LogLevel.Warning, Message = "MQTT broker refused the publish to {Topic}: {ReasonCode} {ReasonString}")]
    public static partial void PublishRefused(this ILogger logger, string topic, MqttClientPublishReasonCode reasonCode, string? reasonString);

    [LoggerMessage(EventId = 5013, Level = LogLevel.Warning, Message = "MQTT disconnect on shutdown failed; the broker will time the session out")]
    public static partial void DisconnectFailed(this ILogger logger, Exception exception);

    [LoggerMessage(EventId = 5012, Level = LogLevel.Error, Message = "MQTT connection event handler failed")]
    public static partial void SignalHandlerFailed(this ILogger logger, Exception exception);
}
