namespace Edge.Agent.Mqtt;

using MQTTnet;
using MQTTnet.Exceptions;
using MQTTnet.Protocol;

/// <summary>
/// Publishing for <see cref="AgentMqttConnection.PublishAsync"/>: never throws for a missing or failing
/// connection, because on a device that is the normal case and the caller only needs to know to retry.
/// </summary>
internal sealed class MqttPublisher(IMqttClient client, ILogger logger)
{
    public async Task<bool> PublishAsync(
        string topic,
        ReadOnlyMemory<byte> payload,
        bool retain,
        MqttQualityOfServiceLevel qos,
        CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(topic);
        if (!client.IsConnected)
        {
            logger.PublishSkipped(topic);
            return false;
        }

        var message = new MqttApplicationMessageBuilder()
            .WithTopic(topic)
            .WithPayloadSegment(payload)
            .WithRetainFlag(retain)
            .WithQualityOfServiceLevel(qos)
            .Build();
        try
        {
            var result = await client.PublishAsync(message, cancellationToken);
            if (!result.IsSuccess)
            {
                logger.PublishRefused(topic, result.ReasonCode, result.ReasonString);
            }

            return result.IsSuccess;
        }
        catch (MqttCommunicationException ex)
        {
            // The connection went down mid-publish; the reconnect loop reports that, so one line here.
            logger.PublishFailed(topic, ex.Message);
            return false;
        }
    }
}
