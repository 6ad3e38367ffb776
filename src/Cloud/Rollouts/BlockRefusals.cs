namespace Edge.Cloud.Rollouts;

/// <summary>
/// Logs refused block requests at most once per device per <see cref="Interval"/>, counting the rest: a broken or
/// hostile device re-requesting in a loop must not flood the log. Also counts every refusal, for tests and metrics.
/// </summary>
internal sealed class BlockRefusals(TimeProvider time, ILogger<BlockRefusals> logger)
{
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(10);

    private const int MaxTrackedDevices = 10_000;

    private readonly Lock _lock = new();
    private readonly Dictionary<string, (DateTimeOffset LastLogged, int Suppressed)> _devices = new(StringComparer.Ordinal);
    private long _total;

    public long Total => Interlocked.Read(ref _total);

    public void Refuse(string deviceId, string reason)
    {
        Interlocked.Increment(ref _total);
        var now = time.GetUtcNow();
        int suppressed;
        lock (_lock)
        {
            if (_devices.TryGetValue(deviceId, out var entry) && now - entry.LastLogged < Interval)
            {
                _devices[deviceId] = (entry.LastLogged, entry.Suppressed + 1);
                return;
            }

            if (_devices.Count >= MaxTrackedDevices)
            {
                _devices.Clear();
            }

            suppressed = entry.Suppressed;
            _devices[deviceId] = (now, 0);
        }

        RolloutsLog.BlockRequestRefused(logger, Edge.Shared.Observability.LogText.Escape(deviceId), Edge.Shared.Observability.LogText.Escape(reason, 1024), suppressed);
    }
}
