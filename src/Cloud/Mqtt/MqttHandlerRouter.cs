namespace Edge.Cloud.Mqtt;

using Microsoft.Extensions.Logging.Abstractions;
using MQTTnet;
using MQTTnet.Protocol;

/// <summary>
/// The registered <see cref="IMqttMessageHandler"/>s: what to subscribe on each connection and where each
/// received message goes. Fixed once the client starts, so it needs no locking.
/// </summary>
internal sealed class MqttHandlerRouter(IMqttMessageHandler[] handlers, ILogger logger)
{
    /// <summary>No handlers: what the client routes to before it has resolved them.</summary>
    public static readonly MqttHandlerRouter Empty = new([], NullLogger.Instance);

    /// <summary>Subscribes every handler's filter at QoS 1.</summary>
    /// <exception cref="InvalidOperationException">The broker refused a filter (an ACL): the loop treats it as a failed connection.</exception>
    public async Task SubscribeAllAsync(IMqttClient client, CancellationToken cancellationToken)
    {
        if (handlers.Length == 0)
        {
            return;
        }

        var subscribe = new MqttClientSubscribeOptionsBuilder();
        foreach (var handler in handlers)
        {
            subscribe.WithTopicFilter(handler.TopicFilter, MqttQualityOfServiceLevel.AtLeastOnce);
        }

        var result = await client.SubscribeAsync(subscribe.Build(), cancellationToken);
        foreach (var item in result.Items)
        {
            if (item.ResultCode > MqttClientSubscribeResultCode.GrantedQoS2)
            {
                throw new InvalidOperationException($"the broker refused the subscription to '{item.TopicFilter.Topic}': {item.ResultCode}");
            }
        }
    }

    /// <summary>Runs every handler whose filter matches; a failing handler is logged and does not stop the others.</summary>
    public async Task DispatchAsync(MqttApplicationMessage message, CancellationToken stopping)
    {
        foreach (var handler in handlers)
        {
            if (MqttTopicFilterComparer.Compare(message.Topic, handler.TopicFilter) != MqttTopicFilterCompareResult.IsMatch)
            {
                continue;
            }

            try
            {
                await handler.HandleAsync(message, stopping);
            }
            catch (Exception ex) when (!stopping.IsCancellationRequested)
            {
                CloudMqttLog.HandlerFailed(logger, ex, Edge.Shared.Observability.LogText.Escape(message.Topic));
            }
        }
    }
}
