namespace Edge.Agent.Hosting.Readiness;

using Edge.Agent.CloudClient;
using Polly.CircuitBreaker;

/// <summary>The one-word state a person standing at the device sees on the status LED.</summary>
internal enum DeviceState
{
    Online,
    Degraded,
    Updating,
    Fault,
}

/// <summary>
/// Folds the component reports, the update activity and the cloud link into <see cref="DeviceState"/>. A fault
/// outranks an update (someone has to act), an update outranks a degraded cloud link (it explains a short outage).
/// </summary>
internal sealed class DeviceStateSource(DeviceHealth health, IUpdateActivity updates, CloudCircuit circuit)
{
    public DeviceState Current
    {
        get
        {
            var worst = health.Worst;
            if (worst == ComponentState.Fault)
            {
                return DeviceState.Fault;
            }

            if (updates.Current is not null)
            {
                return DeviceState.Updating;
            }

            return worst == ComponentState.Degraded || circuit.State != CircuitState.Closed ? DeviceState.Degraded : DeviceState.Online;
        }
    }
}
