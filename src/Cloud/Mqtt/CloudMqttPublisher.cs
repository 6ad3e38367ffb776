namespace Edge.Cloud.Mqtt;

using MQTTnet;
using MQTTnet.Protocol;

/// <summary>
/// Publishing for <see cref="CloudMqttClient.PublishAsync"/>. Unlike the agent's it throws: a cloud caller (the
/// threshold API) must tell its own client that the change did not reach the broker.
/// </summary>
internal sealed class CloudMqttPublisher(IMqttClient client, TimeSpan timeout, TimeProvider time, string endpoint)
{
    public const string Json = "application/json";

    /// <param name="contentType">The MQTT 5 content type: JSON for every contract, <c>application/octet-stream</c> for block frames.</param>
    public async Task PublishAsync(string topic, ReadOnlyMemory<byte> payload, bool retain, CancellationToken cancellationToken, string contentType = Json)
    {
        if (!client.IsConnected)
        {
            throw new InvalidOperationException($"not connected to the MQTT broker at {endpoint}");
        }

        var message = new MqttApplicationMessageBuilder()
            .WithTopic(topic)
            .WithPayloadSegment(payload)
            .WithContentType(contentType)
            .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce)
            .WithRetainFlag(retain)
            .Build();

        // Bounded: a broker that accepted the connection but never acknowledges must not hang the caller.
        using var deadline = new CancellationTokenSource(timeout, time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, deadline.Token);
        var result = await client.PublishAsync(message, linked.Token);
        if (!result.IsSuccess)
        {
            throw new InvalidOperationException($"the broker refused the message on '{topic}': {result.ReasonCode} {result.ReasonString}");
        }
    }
}
