namespace Edge.Agent.Mqtt;

using MQTTnet;
using MQTTnet.Protocol;

/// <summary>
/// Subscription bookkeeping at the broker: registers routes, subscribes them now when connected, and after a
/// reconnect subscribes exactly the filters the broker's session does not already hold.
/// </summary>
internal sealed class MqttSubscriptions(IMqttClient client, MqttRoutes routes, ILogger logger)
{
    /// <summary>Adds a route; subscribes at once if connected, otherwise the next <see cref="RestoreAsync"/> does.</summary>
    public async Task AddAsync(string topicFilter, MqttMessageHandler handler, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(topicFilter);
        ArgumentNullException.ThrowIfNull(handler);
        routes.Add(topicFilter, handler);

        if (client.IsConnected)
        {
            try
            {
                await SubscribeAtBrokerAsync([topicFilter], cancellationToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // The connection is going down under us; the reconnect subscribes what was not granted.
                logger.SubscribeFailed(ex, topicFilter);
            }
        }
    }

    /// <summary>Subscribes what the broker lacks after a connect; <paramref name="sessionLost"/> assumes it holds nothing.</summary>
    public Task RestoreAsync(bool sessionLost, CancellationToken cancellationToken) =>
        SubscribeAtBrokerAsync(routes.Missing(sessionLost), cancellationToken);

    private async Task SubscribeAtBrokerAsync(string[] filters, CancellationToken cancellationToken)
    {
        if (filters.Length == 0)
        {
            return;
        }

        var builder = new MqttClientSubscribeOptionsBuilder();
        foreach (var filter in filters)
        {
            builder.WithTopicFilter(filter, MqttQualityOfServiceLevel.AtLeastOnce);
        }

        var result = await client.SubscribeAsync(builder.Build(), cancellationToken);
        var granted = new List<string>(filters.Length);
        foreach (var item in result.Items)
        {
            if (item.ResultCode is MqttClientSubscribeResultCode.GrantedQoS0 or MqttClientSubscribeResultCode.GrantedQoS1 or MqttClientSubscribeResultCode.GrantedQoS2)
            {
                granted.Add(item.TopicFilter.Topic);
            }
            else
            {
                // Not retried in a loop: a refusal (usually an ACL) will not change until an operator acts.
                logger.SubscriptionRefused(item.TopicFilter.Topic, item.ResultCode);
            }
        }

        routes.MarkGranted(granted);
        logger.Subscribed(granted);
    }
}
