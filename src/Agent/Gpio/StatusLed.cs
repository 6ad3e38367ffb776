namespace Edge.Agent.Gpio;

using System.Device.Gpio;
using Edge.Agent.Hosting.Readiness;

/// <summary>Shows <see cref="DeviceStateSource.Current"/> on the LED pin, one <see cref="LedPattern.Step"/> at a time.</summary>
internal sealed class StatusLed(GpioController controller, int pin, DeviceStateSource state, TimeProvider time)
{
    /// <summary>Runs until cancelled; the LED is left off, so a stopped agent is dark, not "online".</summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(LedPattern.Step, time);
        bool? shown = null;
        long step = 0;
        try
        {
            do
            {
                var on = LedPattern.IsOn(state.Current, step++);
                if (on != shown)
                {
                    // Only changes are written: a steady LED costs no GPIO calls.
                    controller.Write(pin, on ? PinValue.High : PinValue.Low);
                    shown = on;
                }
            }
            while (await timer.WaitForNextTickAsync(cancellationToken));
        }
        finally
        {
            controller.Write(pin, PinValue.Low);
        }
    }
}
