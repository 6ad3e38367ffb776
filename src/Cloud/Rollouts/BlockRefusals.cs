namespace Edge.Cloud.Rollouts;

using Edge.Cloud.Observability;
using Edge.Shared.Observability;

/// <summary>
/// Logs refused block requests at most once per device per <see cref="DropThrottle.Interval"/>, counting the rest: a
/// broken or hostile device re-requesting in a loop must not flood the log. Also counts every refusal, for tests and metrics.
/// </summary>
internal sealed class BlockRefusals(TimeProvider time, ILogger<BlockRefusals> logger)
{
    private readonly DropThrottle _throttle = new(time);
    private long _total;

    public long Total => Interlocked.Read(ref _total);

    public void Refuse(string deviceId, string reason)
    {
        Interlocked.Increment(ref _total);
        if (_throttle.ShouldLog(deviceId, out var suppressed))
        {
            RolloutsLog.BlockRequestRefused(logger, LogText.Escape(deviceId), LogText.Escape(reason, 1024), suppressed);
        }
    }
}
