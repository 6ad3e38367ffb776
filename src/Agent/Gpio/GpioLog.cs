namespace Edge.Agent.Gpio;

internal static partial class GpioLog
{
    [LoggerMessage(EventId = 8301, Level = LogLevel.Information, Message = "GPIO on {Driver} chip {Chip}: trigger {Trigger} ({Edge}), LED {Led}, actuator {Actuator}")]
    public static partial void Opened(ILogger logger, string driver, int chip, int? trigger, System.Device.Gpio.PinEventTypes edge, int? led, int? actuator);

    [LoggerMessage(EventId = 8302, Level = LogLevel.Critical, Message = "GPIO unavailable: {Reason}. The agent keeps serving its API without GPIO; see /v1/status/device")]
    public static partial void Unavailable(ILogger logger, string reason);

    [LoggerMessage(EventId = 8303, Level = LogLevel.Debug, Message = "Trigger edge ignored: {Why}")]
    public static partial void TriggerIgnored(ILogger logger, string why);

    [LoggerMessage(EventId = 8304, Level = LogLevel.Error, Message = "Triggered capture {Frame} failed: {Reason}")]
    public static partial void TriggerFailed(ILogger logger, long frame, string reason);

    [LoggerMessage(EventId = 8305, Level = LogLevel.Information, Message = "Actuator pin {Pin} pulsed for {Pulse}: {Origin} answered {Label}")]
    public static partial void Pulsed(ILogger logger, int pin, TimeSpan pulse, string origin, string label);

    [LoggerMessage(EventId = 8306, Level = LogLevel.Error, Message = "GPIO {What} failed")]
    public static partial void Failed(ILogger logger, string what, Exception exception);
}
