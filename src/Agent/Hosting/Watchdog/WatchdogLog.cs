namespace Edge.Agent.Hosting.Watchdog;

internal static partial class WatchdogLog
{
    [LoggerMessage(EventId = 8101, Level = LogLevel.Information, Message = "systemd watchdog on: timeout {Timeout}, a self-probe through the model every {Interval}")]
    public static partial void On(ILogger logger, TimeSpan timeout, TimeSpan interval);

    [LoggerMessage(EventId = 8102, Level = LogLevel.Debug, Message = "No systemd watchdog (no WatchdogSec= / WATCHDOG_USEC or no NOTIFY_SOCKET); the self-probe does not run")]
    public static partial void Off(ILogger logger);

    [LoggerMessage(EventId = 8103, Level = LogLevel.Error, Message = "Inference self-probe failed: {Reason}. Not pinging the systemd watchdog; systemd restarts the agent if this lasts {Timeout}")]
    public static partial void Unhealthy(ILogger logger, string reason, TimeSpan timeout);

    [LoggerMessage(EventId = 8104, Level = LogLevel.Information, Message = "Inference self-probe healthy again; pinging the systemd watchdog")]
    public static partial void Recovered(ILogger logger);

    [LoggerMessage(EventId = 8105, Level = LogLevel.Warning, Message = "Could not write to the systemd notify socket {Socket}")]
    public static partial void SendFailed(ILogger logger, string socket, Exception exception);
}
