namespace Edge.Agent.Gpio;

using System.Device.Gpio;
using System.Device.Gpio.Drivers;
using Edge.Agent.Hosting.Readiness;
using Edge.Agent.Sources;
using Edge.Agent.Sources.Camera;
using Microsoft.Extensions.Options;

/// <summary>
/// Opens the configured pins and runs the trigger and the status LED. GPIO that cannot open (no libgpiod, no chip,
/// a pin another process holds, no permission) is a fault with its reason in the journal and
/// <c>/v1/status/device</c>; the agent keeps answering its API instead of restarting into the same error.
/// </summary>
internal sealed class GpioService(
    IServiceProvider services,
    ICaptureSource camera,
    FramePipeline pipeline,
    SourceEvents events,
    Actuator actuator,
    DeviceStateSource state,
    DeviceHealth health,
    IOptions<GpioOptions> options,
    TimeProvider time,
    ILogger<GpioService> logger) : BackgroundService
{
    public const string Component = "gpio";

    private GpioController? _controller;
    private GpioTrigger? _trigger;

    /// <summary>
    /// Pins open and the trigger callback is registered before the host reports started (and before systemd hears
    /// READY=1): BackgroundService runs ExecuteAsync on the thread pool, which would leave a window with no trigger.
    /// </summary>
    public override Task StartAsync(CancellationToken cancellationToken)
    {
        var o = options.Value;
        if (o.Enabled)
        {
            try
            {
                if (o.TriggerPin.HasValue && !camera.IsConfigured)
                {
                    throw new GpioUnavailableException("Gpio:TriggerPin is set but Sources:Camera:Command is not: a trigger needs a camera to capture from");
                }

                _controller = Open(o);
                health.Report(Component, ComponentState.Ok);
                GpioLog.Opened(logger, o.Driver, o.Chip, o.TriggerPin, o.TriggerEdge, o.LedPin, o.ActuatorPin);
                if (o.TriggerPin is { } triggerPin)
                {
                    _trigger = new GpioTrigger(camera, pipeline, events, time, logger) { Debounce = o.TriggerDebounce };
                    _controller.RegisterCallbackForPinValueChangedEvent(triggerPin, o.TriggerEdge, _trigger.OnEdge);
                }

                if (o.ActuatorPin is { } actuatorPin)
                {
                    actuator.Attach(_controller, actuatorPin);
                }
            }
            catch (GpioUnavailableException e)
            {
                health.Report(Component, ComponentState.Fault, e.Message);
                GpioLog.Unavailable(logger, e.Message);
            }
        }

        return base.StartAsync(cancellationToken);
    }

    public override void Dispose()
    {
        _controller?.Dispose();
        base.Dispose();
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (_controller is not { } controller)
        {
            return;
        }

        List<Task> loops = [Task.Delay(Timeout.Infinite, stoppingToken)];
        if (_trigger is not null)
        {
            loops.Add(_trigger.RunAsync(stoppingToken));
        }

        if (options.Value.LedPin is { } ledPin)
        {
            loops.Add(new StatusLed(controller, ledPin, state, time).RunAsync(stoppingToken));
        }

        try
        {
            await await Task.WhenAny(loops);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping.
        }
        catch (Exception e)
        {
            health.Report(Component, ComponentState.Fault, "GPIO loop failed: " + e.Message);
            GpioLog.Failed(logger, "loop", e);
        }
        finally
        {
            actuator.Detach();
        }
    }

    private GpioController Open(GpioOptions o)
    {
        GpioDriver driver;
        try
        {
            driver = o.Driver == "sim" ? services.GetRequiredService<SimulatedGpioDriver>() : new LibGpiodDriver(o.Chip);
        }
        catch (Exception e) when (e is DllNotFoundException or PlatformNotSupportedException or IOException or InvalidOperationException or UnauthorizedAccessException or System.Runtime.InteropServices.ExternalException)
        {
            throw new GpioUnavailableException(
                $"cannot open GPIO chip {o.Chip} with {o.Driver}: {e.Message} (needs libgpiod — apt-get install libgpiod2 — and /dev/gpiochip{o.Chip}; Gpio:Chip, Gpio:Driver)", e);
        }

        var controller = new GpioController(driver);
        try
        {
            OpenPin(controller, o, "trigger", o.TriggerPin, o.TriggerMode);
            OpenPin(controller, o, "LED", o.LedPin, PinMode.Output);
            OpenPin(controller, o, "actuator", o.ActuatorPin, PinMode.Output);
            return controller;
        }
        catch
        {
            controller.Dispose();
            throw;
        }
    }

    private static void OpenPin(GpioController controller, GpioOptions o, string role, int? pin, PinMode mode)
    {
        if (pin is not { } number)
        {
            return;
        }

        try
        {
            controller.OpenPin(number, mode, mode == PinMode.Output ? PinValue.Low : default);
        }
        catch (Exception e) when (e is IOException or InvalidOperationException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            throw new GpioUnavailableException(
                $"cannot open {role} pin {number} on {o.Driver} chip {o.Chip} as {mode}: {e.Message} (another process may hold it — `gpioinfo {o.Chip}` names the holder; the agent's user needs the gpio group)", e);
        }
    }
}

internal sealed class GpioUnavailableException : Exception
{
    public GpioUnavailableException(string message)
        : base(message)
    {
    }

    public GpioUnavailableException(string message, Exception inner)
        : base(message, inner)
    {
    }
}
