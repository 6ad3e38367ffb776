namespace Edge.Agent.Hosting.Watchdog;

using System.ComponentModel.DataAnnotations;
using System.Globalization;

/// <summary>
/// The systemd watchdog. Section <c>Watchdog</c>. systemd passes <c>NOTIFY_SOCKET</c> and <c>WATCHDOG_USEC</c>
/// (from <c>WatchdogSec=</c>); configuration overrides them (tests point <c>NotifySocket</c> at their own socket).
/// </summary>
internal sealed class WatchdogOptions
{
    public const string Section = "Watchdog";

    /// <summary>The notify socket's path (<c>@name</c> = abstract). Null: <c>$NOTIFY_SOCKET</c>.</summary>
    public string? NotifySocket { get; set; }

    /// <summary>systemd's <c>WatchdogSec</c>. Null: <c>$WATCHDOG_USEC</c>; no value at all turns the watchdog off.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")]
    public TimeSpan? Timeout { get; set; }

    /// <summary>Longest a self-probe may take (waiting for a busy slot included) before the path counts as stuck.</summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "00:10:00")]
    public TimeSpan ProbeTimeout { get; set; } = TimeSpan.FromSeconds(2);

    public string? ResolveSocket() =>
        string.IsNullOrWhiteSpace(NotifySocket) ? Environment.GetEnvironmentVariable("NOTIFY_SOCKET") : NotifySocket;

    /// <summary>The watchdog timeout, or null when off (no timeout, or <c>WATCHDOG_PID</c> names another process).</summary>
    public TimeSpan? ResolveTimeout()
    {
        if (Timeout is { } configured)
        {
            return configured;
        }

        var pid = Environment.GetEnvironmentVariable("WATCHDOG_PID");
        if (!string.IsNullOrEmpty(pid) && pid != Environment.ProcessId.ToString(CultureInfo.InvariantCulture))
        {
            return null;
        }

        return long.TryParse(Environment.GetEnvironmentVariable("WATCHDOG_USEC"), NumberStyles.None, CultureInfo.InvariantCulture, out var usec) && usec > 0
            ? TimeSpan.FromMicroseconds(usec)
            : null;
    }
}
