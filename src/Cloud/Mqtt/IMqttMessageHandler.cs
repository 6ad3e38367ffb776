namespace Edge.Cloud.Mqtt;

using MQTTnet;

/// <summary>
/// A feature that consumes messages on <see cref="TopicFilter"/>. Register it in DI; the cloud client subscribes
/// to every handler's filter on each connection. Handlers run on the client's receive path: keep them short and
/// never publish from one (that would wait for an acknowledgement the blocked receive path cannot deliver).
/// </summary>
internal interface IMqttMessageHandler
{
    string TopicFilter { get; }

    Task HandleAsync(MqttApplicationMessage message, CancellationToken cancellationToken);
}

/// <summary>Runs after every successful (re)connection, before the client reports itself connected.</summary>
internal interface IMqttConnectedHook
{
    Task OnConnectedAsync(CancellationToken cancellationToken);
}
