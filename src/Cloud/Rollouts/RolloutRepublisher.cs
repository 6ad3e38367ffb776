namespace Edge.Cloud.Rollouts;

using Edge.Cloud.Mqtt;

/// <summary>Sends every desired package again on each MQTT (re)connection (<see cref="RolloutService.RepublishAsync"/>).</summary>
internal sealed class RolloutRepublisher(RolloutService service) : IMqttConnectedHook
{
    public Task OnConnectedAsync(CancellationToken cancellationToken) => service.RepublishAsync(cancellationToken);
}
