namespace Edge.Cloud.Telemetry;

using System.Collections.Concurrent;
using Edge.Shared.Telemetry;
using Microsoft.Extensions.Options;

/// <summary>
/// The last <see cref="TelemetryIngestOptions.WindowsPerDevice"/> windows of every device, in memory, summed per group on
/// demand. Rates are per device (its requests over the time its windows cover) and then summed over the group's
/// devices, so devices with different intervals or a missed window are not mis-weighted.
/// </summary>
internal sealed class TelemetryAggregator(IOptions<TelemetryIngestOptions> options, TimeProvider time)
{
    private readonly ConcurrentDictionary<string, DeviceWindows> _devices = new(StringComparer.Ordinal);
    private long _added;
    private long _newestEndTicks;

    /// <summary>Raised after each new window is added. Runs on the ingest loop: keep handlers short.</summary>
    public event Action<TelemetryWindow>? Added;

    public TimeSpan Horizon => options.Value.Horizon;

    /// <summary>Windows added since start (reloaded ones included).</summary>
    public long Count => Interlocked.Read(ref _added);

    public void Add(TelemetryWindow window)
    {
        ArgumentNullException.ThrowIfNull(window);
        var device = _devices.GetOrAdd(window.DeviceId, static _ => new DeviceWindows());
        lock (device)
        {
            // Kept in end order: a window from a device's outbox may arrive after newer live ones.
            var at = device.Windows.FindLastIndex(w => w.End <= window.End) + 1;
            device.Windows.Insert(at, window);
            if (device.Windows.Count > options.Value.WindowsPerDevice)
            {
                device.Windows.RemoveAt(0);
            }

            device.Group = device.Windows[^1].Group;
        }

        var end = window.End.UtcTicks;
        for (var seen = Interlocked.Read(ref _newestEndTicks); end > seen; seen = Interlocked.Read(ref _newestEndTicks))
        {
            if (Interlocked.CompareExchange(ref _newestEndTicks, end, seen) == seen)
            {
                break;
            }
        }

        Interlocked.Increment(ref _added);
        Added?.Invoke(window);
    }

    /// <summary>Groups with at least one window inside the horizon.</summary>
    public IReadOnlyList<string> Groups()
    {
        var cutoff = Cutoff();
        var groups = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var device in _devices.Values)
        {
            lock (device)
            {
                if (device.Group is { } g && device.Windows.Count > 0 && device.Windows[^1].End > cutoff)
                {
                    groups.Add(g);
                }
            }
        }

        return [.. groups];
    }

    /// <summary>The newest window of a device, or null.</summary>
    public TelemetryWindow? Latest(string deviceId)
    {
        if (!_devices.TryGetValue(deviceId, out var device))
        {
            return null;
        }

        lock (device)
        {
            return device.Windows.Count == 0 ? null : device.Windows[^1];
        }
    }

    /// <summary>
    /// The group's windows that ended inside the horizon and, with <paramref name="startedAfter"/>, began after it
    /// (what the load controller uses to measure only what happened since its last move); null when there are none.
    /// </summary>
    public GroupTelemetry? Group(string group, DateTimeOffset? startedAfter = null)
    {
        var cutoff = Cutoff();
        var scores = new long[ScoreBins.Count];
        int devices = 0, windows = 0;
        double requestRate = 0, cloudRate = 0, thresholdSum = 0;
        long requests = 0, local = 0, cloud = 0, degraded = 0, agreed = 0, disagreed = 0;
        DateTimeOffset? lastSeen = null;
        foreach (var device in _devices.Values)
        {
            lock (device)
            {
                if (!string.Equals(device.Group, group, StringComparison.Ordinal))
                {
                    continue;
                }

                long dRequests = 0, dCloud = 0;
                var seconds = 0.0;
                foreach (var w in device.Windows)
                {
                    if (w.End <= cutoff || (startedAfter is { } after && w.Start <= after))
                    {
                        continue;
                    }

                    windows++;
                    seconds += (w.End - w.Start).TotalSeconds;
                    dRequests += w.Requests;
                    dCloud += w.Cloud + w.LocalDegraded;
                    local += w.Local;
                    cloud += w.Cloud;
                    degraded += w.LocalDegraded;
                    agreed += w.AuditAgreed;
                    disagreed += w.AuditDisagreed;
                    thresholdSum += w.Threshold * w.Requests;
                    for (var i = 0; i < ScoreBins.Count; i++)
                    {
                        scores[i] += w.Scores[i];
                    }

                    lastSeen = lastSeen is null || w.End > lastSeen ? w.End : lastSeen;
                }

                if (seconds > 0)
                {
                    devices++;
                    requests += dRequests;
                    requestRate += dRequests / seconds;
                    cloudRate += dCloud / seconds;
                }
            }
        }

        if (windows == 0)
        {
            return null;
        }

        double Share(long n) => requests == 0 ? 0 : (double)n / requests;
        return new GroupTelemetry
        {
            Group = group,
            Devices = devices,
            Windows = windows,
            RequestRate = requestRate,
            CloudRate = cloudRate,
            LocalShare = Share(local),
            CloudShare = Share(cloud),
            DegradedShare = Share(degraded),
            AuditAgreed = agreed,
            AuditDisagreed = disagreed,
            Threshold = requests == 0 ? null : thresholdSum / requests,
            LastSeen = lastSeen,
            Scores = scores,
        };
    }

    /// <summary>
    /// The horizon ends at the later of the cloud's clock and the newest window end: devices' clocks lead the cloud's a
    /// little, and a simulated fleet runs on its own timeline; a group that stopped reporting still ages out.
    /// </summary>
    private DateTimeOffset Cutoff()
    {
        var now = time.GetUtcNow();
        var newest = new DateTimeOffset(Interlocked.Read(ref _newestEndTicks), TimeSpan.Zero);
        return (newest > now ? newest : now) - options.Value.Horizon;
    }

    private sealed class DeviceWindows
    {
        public List<TelemetryWindow> Windows { get; } = [];

        public string? Group { get; set; }
    }
}
