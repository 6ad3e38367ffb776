namespace Edge.Agent.Mqtt;

using System.Buffers;

/// <summary>
/// One message as a handler sees it. <see cref="Payload"/> belongs to the client and is only valid until
/// the handler's task completes: copy what you keep.
/// </summary>
/// <param name="ReceivedTimestamp">A <see cref="TimeProvider.GetTimestamp"/> value taken on arrival.</param>
internal readonly record struct MqttIncomingMessage(
    string Topic,
    ReadOnlySequence<byte> Payload,
    bool Retain,
    long ReceivedTimestamp);

/// <summary>Handles messages on a subscribed topic filter. Exceptions are logged, never passed to the broker.</summary>
internal delegate ValueTask MqttMessageHandler(MqttIncomingMessage message, CancellationToken cancellationToken);
