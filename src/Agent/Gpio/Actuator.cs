namespace Edge.Agent.Gpio;

using System.Device.Gpio;
using Edge.Agent.Sources;
using Edge.Shared.Inference;
using Microsoft.Extensions.Options;

/// <summary>
/// Pulses the actuator pin when a local source's answer (folder, camera, trigger) has a configured label. A pulse
/// during a pulse extends it: only the newest pulse ends it, so a run of bad parts keeps the gate open.
/// </summary>
internal sealed class Actuator(IOptions<GpioOptions> options, TimeProvider time, ILogger<Actuator> logger) : IFrameAnswerObserver
{
    private GpioController? _controller;
    private int _pin;
    private long _generation;

    /// <summary>Called by <see cref="GpioService"/> once the pin is open as an output.</summary>
    public void Attach(GpioController controller, int pin)
    {
        _pin = pin;
        Volatile.Write(ref _controller, controller);
    }

    public void Detach() => Volatile.Write(ref _controller, null);

    public void OnAnswer(string origin, InferenceAnswer answer)
    {
        ArgumentNullException.ThrowIfNull(answer);
        var controller = Volatile.Read(ref _controller);
        var o = options.Value;
        if (controller is null || !o.ActuatorLabels.Contains(answer.Label, StringComparer.Ordinal))
        {
            return;
        }

        var generation = Interlocked.Increment(ref _generation);
        controller.Write(_pin, PinValue.High);
        GpioLog.Pulsed(logger, _pin, o.ActuatorPulse, origin, answer.Label);
        _ = EndPulseAsync(controller, generation, o.ActuatorPulse);
    }

    private async Task EndPulseAsync(GpioController controller, long generation, TimeSpan pulse)
    {
        try
        {
            await Task.Delay(pulse, time);
            if (Interlocked.Read(ref _generation) == generation && Volatile.Read(ref _controller) == controller)
            {
                controller.Write(_pin, PinValue.Low);
            }
        }
        catch (Exception e) when (e is InvalidOperationException or IOException or ObjectDisposedException)
        {
            GpioLog.Failed(logger, "actuator pulse", e);
        }
    }
}
