namespace Edge.Agent.Mqtt;

using MQTTnet;

/// <summary>
/// Hands each received message to every handler whose filter matches, one after another on the client's
/// receive path. A failing handler is logged and does not stop the others or the connection.
/// </summary>
internal sealed class MqttDispatcher(MqttRoutes routes, TimeProvider time, ILogger logger, CancellationToken shutdown)
{
    public async Task DispatchAsync(MqttApplicationMessageReceivedEventArgs args)
    {
        var message = args.ApplicationMessage;
        var incoming = new MqttIncomingMessage(message.Topic, message.Payload, message.Retain, time.GetTimestamp());
        var routed = false;
        foreach (var handler in routes.Matching(message.Topic))
        {
            routed = true;
            try
            {
                await handler(incoming, shutdown);
            }
            catch (Exception ex) when (!shutdown.IsCancellationRequested)
            {
                logger.HandlerFailed(ex, Edge.Shared.Observability.LogText.Escape(message.Topic));
            }
        }

        if (!routed && logger.IsEnabled(LogLevel.Debug))
        {
            logger.Unrouted(Edge.Shared.Observability.LogText.Escape(message.Topic));
        }
    }
}
